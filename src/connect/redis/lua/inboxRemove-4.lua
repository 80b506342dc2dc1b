--[[
  Removes acked messages from a device's inbox.

  Input:
    KEYS[1] inbox hash
    KEYS[2] expiry sorted set
    KEYS[3] app depth counter
    KEYS[4] app inboxes sorted set

    ARGV[1] device id
    ARGV[2..] notification ids

  Output:
    how many were removed
]]
local rcall = redis.call
local ids = {unpack(ARGV, 2)}
local removed = rcall('HDEL', KEYS[1], unpack(ids))
rcall('ZREM', KEYS[2], unpack(ids))
if removed > 0 then
  rcall('DECRBY', KEYS[3], removed)
end
if rcall('ZCARD', KEYS[2]) == 0 then
  rcall('ZREM', KEYS[4], ARGV[1])
end
return removed
