--[[
  Extends a presence entry if this connection still owns it; claims it again if it vanished (Redis
  restarted, or the TTL ran out during a stall).

  Input:
    KEYS[1] presence key

    ARGV[1] token (<nodeId>|<seq>)
    ARGV[2] ttl ms

  Output:
    1 owned (extended or re-claimed), 0 another connection owns it
]]
local rcall = redis.call
local current = rcall('GET', KEYS[1])
if current == ARGV[1] then
  rcall('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current == false then
  rcall('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
