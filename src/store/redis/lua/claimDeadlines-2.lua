--[[
  Claims due ack deadlines for one instance: first returns deadlines whose lease ran out (their
  claimant died) to the due set, then moves up to LIMIT due ones into the leased set.

  Input:
    KEYS[1] due deadlines, sorted set scored by due time ('{pm:app}:deadlines')
    KEYS[2] leased deadlines, sorted set scored by lease end ('{pm:app}:deadlines:leased')

    ARGV[1] now (epoch ms)
    ARGV[2] lease end (epoch ms)
    ARGV[3] limit

  Output:
    the claimed members
]]
local rcall = redis.call

local expired = rcall('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(expired) do
  rcall('ZREM', KEYS[2], member)
  rcall('ZADD', KEYS[1], ARGV[1], member)
end

local due = rcall('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do
  rcall('ZREM', KEYS[1], member)
  rcall('ZADD', KEYS[2], ARGV[2], member)
end
return due
