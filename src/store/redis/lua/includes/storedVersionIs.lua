--[[
  Compare-and-set check of one delivery record: values are stored as '<version>|<json>', so the
  version is read without decoding the JSON. A missing record is version 0.
]]
local function storedVersionIs(hashKey, field, expected)
  local current = redis.call('HGET', hashKey, field)
  local version = 0
  if current then
    version = tonumber(string.match(current, '^(%d+)|')) or 0
  end
  return version == tonumber(expected)
end
