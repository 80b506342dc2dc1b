--[[
  A device's pending messages, soonest to expire first, after dropping the expired ones.

  Input:
    KEYS[1] inbox hash
    KEYS[2] expiry sorted set
    KEYS[3] app depth counter
    KEYS[4] app inboxes sorted set

    ARGV[1] now (ms)
    ARGV[2] device id

  Output:
    the message JSONs
]]
local rcall = redis.call
--- @include "includes/purgeExpired"
purgeExpired(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
local ids = rcall('ZRANGE', KEYS[2], 0, -1)
if #ids == 0 then
  rcall('ZREM', KEYS[4], ARGV[2])
  return {}
end
return rcall('HMGET', KEYS[1], unpack(ids))
