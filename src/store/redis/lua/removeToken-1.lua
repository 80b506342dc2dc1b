--[[
  Removes one provider token from a device record, only if it is still the current token (a newer
  registration may have replaced it meanwhile).

  Input:
    KEYS[1] device key ('{pm:app}:dev:<id>')

    ARGV[1] provider name
    ARGV[2] token to remove
    ARGV[3] now (epoch ms)

  Output:
    1 removed, 0 not present or already replaced
]]
local rcall = redis.call

local raw = rcall('GET', KEYS[1])
if not raw then
  return 0
end
local device = cjson.decode(raw)
if type(device.tokens) ~= 'table' or device.tokens[ARGV[1]] ~= ARGV[2] then
  return 0
end
device.tokens[ARGV[1]] = nil
device.updatedAt = tonumber(ARGV[3])
-- cjson encodes an empty table as an array; keep `tokens` an object for the JSON readers.
local encoded = cjson.encode(device):gsub('"tokens":%[%]', '"tokens":{}')
rcall('SET', KEYS[1], encoded, 'KEEPTTL')
return 1
