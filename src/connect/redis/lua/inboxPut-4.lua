--[[
  Adds a message to a device's inbox, bounded in count: beyond the bound the entries closest to expiry
  are dropped. Both keys expire a grace period after their last message (the sweep empties them first).

  Input:
    KEYS[1] inbox hash (id -> message JSON)
    KEYS[2] expiry sorted set (id scored by expiresAt)
    KEYS[3] app depth counter
    KEYS[4] app inboxes sorted set (deviceId scored by last expiry)

    ARGV[1] now (ms)
    ARGV[2] notification id
    ARGV[3] message JSON
    ARGV[4] expiresAt (ms)
    ARGV[5] max messages
    ARGV[6] device id
    ARGV[7] grace (ms) the keys outlive their last message, so the sweep can count what expired

  Output:
    the inbox size after the put
]]
local rcall = redis.call
--- @include "includes/purgeExpired"
purgeExpired(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
if rcall('HSET', KEYS[1], ARGV[2], ARGV[3]) == 1 then
  rcall('INCR', KEYS[3])
end
rcall('ZADD', KEYS[2], ARGV[4], ARGV[2])
local size = rcall('ZCARD', KEYS[2])
local max = tonumber(ARGV[5])
if size > max then
  local evicted = rcall('ZPOPMIN', KEYS[2], size - max)
  for i = 1, #evicted, 2 do
    rcall('HDEL', KEYS[1], evicted[i])
  end
  rcall('DECRBY', KEYS[3], (#evicted) / 2)
  size = max
end
local last = rcall('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if last[2] then
  local dropAt = tonumber(last[2]) + tonumber(ARGV[7])
  rcall('PEXPIREAT', KEYS[1], dropAt)
  rcall('PEXPIREAT', KEYS[2], dropAt)
  rcall('ZADD', KEYS[4], last[2], ARGV[6])
end
return size
