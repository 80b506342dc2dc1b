--[[
  Accepts a notification atomically: idempotency check, the notification record, its delivery jobs.
  Nothing is written when the idempotency key was already used.

  Input:
    KEYS[1] idempotency key ('{pm:app}:idem:<key>'; unused when ARGV[1] is '0')
    KEYS[2] notification key ('{pm:app}:n:<id>')
    KEYS[3] job stream ('{pm:app}:jobs')

    ARGV[1] '1' when an idempotency key is given, else '0'
    ARGV[2] notification id
    ARGV[3] notification JSON
    ARGV[4] idempotency TTL (seconds)
    ARGV[5] retention (seconds)
    ARGV[6] number of jobs N
    ARGV[7..6+N] each job's device ids, comma-joined

  Output:
    {0, id}        stored
    {1, firstId}   duplicate: the id the key was first used for
]]
local rcall = redis.call

if ARGV[1] == '1' then
  local first = rcall('GET', KEYS[1])
  if first then
    return {1, first}
  end
  rcall('SET', KEYS[1], ARGV[2], 'EX', ARGV[4])
end

rcall('SET', KEYS[2], ARGV[3], 'EX', ARGV[5])
local jobs = tonumber(ARGV[6])
for i = 1, jobs do
  rcall('XADD', KEYS[3], '*', 'n', ARGV[2], 'd', ARGV[6 + i])
end
return {0, ARGV[2]}
