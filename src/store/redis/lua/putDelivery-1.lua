--[[
  Compare-and-set of one delivery record. Values are stored as '<version>|<json>' so the version is
  read without decoding the JSON.

  Input:
    KEYS[1] deliveries hash ('{pm:app}:d:<notificationId>')

    ARGV[1] device id (the hash field)
    ARGV[2] version the writer read (0: no record yet)
    ARGV[3] new value ('<version+1>|<json>')
    ARGV[4] retention (seconds)

  Output:
    1 written, 0 the stored version differs (another writer won)
]]
local rcall = redis.call

local current = rcall('HGET', KEYS[1], ARGV[1])
local version = 0
if current then
  version = tonumber(string.match(current, '^(%d+)|')) or 0
end
if version ~= tonumber(ARGV[2]) then
  return 0
end
rcall('HSET', KEYS[1], ARGV[1], ARGV[3])
rcall('EXPIRE', KEYS[1], ARGV[4])
return 1
