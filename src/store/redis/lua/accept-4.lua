--[[
  Accepts a notification in one atomic step and one round trip: idempotency check, recipient
  resolution against the app's device index, the notification record, its delivery jobs.
  Nothing is written when the idempotency key was already used or no recipient is registered.

  Input:
    KEYS[1] idempotency key ('{pm:app}:idem:<key>'; unused when ARGV[1] is '0')
    KEYS[2] notification key ('{pm:app}:n:<id>'), a hash: doc, devices, count
    KEYS[3] job stream ('{pm:app}:jobs')
    KEYS[4] device index set ('{pm:app}:devices')

    ARGV[1] '1' when an idempotency key is given, else '0'
    ARGV[2] notification id
    ARGV[3] notification JSON (without its recipients)
    ARGV[4] idempotency TTL (seconds)
    ARGV[5] retention (seconds)
    ARGV[6] devices per job
    ARGV[7..] candidate device ids

  Output:
    {0, id, recipients, unknown...}   stored; unknown = candidates not registered
    {1, firstId, firstRecipients}     duplicate idempotency key: the first answer
    {2, '', 0, unknown...}            none of the candidates is registered: nothing stored
]]
local rcall = redis.call

if ARGV[1] == '1' then
  local first = rcall('GET', KEYS[1])
  if first then
    local sep = string.find(first, ':', 1, true)
    return {1, string.sub(first, 1, sep - 1), tonumber(string.sub(first, sep + 1))}
  end
end

local candidates = {}
for i = 7, #ARGV do
  candidates[#candidates + 1] = ARGV[i]
end

local known = {}
local unknown = {}
-- SMISMEMBER in slices: unpack() of thousands of arguments would overflow Lua's C stack.
for from = 1, #candidates, 1000 do
  local to = math.min(from + 999, #candidates)
  local flags = rcall('SMISMEMBER', KEYS[4], unpack(candidates, from, to))
  for i = from, to do
    if flags[i - from + 1] == 1 then
      known[#known + 1] = candidates[i]
    else
      unknown[#unknown + 1] = candidates[i]
    end
  end
end

if #known == 0 then
  local out = {2, '', 0}
  for _, id in ipairs(unknown) do out[#out + 1] = id end
  return out
end

local id = ARGV[2]
rcall('HSET', KEYS[2], 'doc', ARGV[3], 'devices', table.concat(known, ','), 'count', #known)
rcall('EXPIRE', KEYS[2], ARGV[5])
local perJob = tonumber(ARGV[6])
for first = 1, #known, perJob do
  local last = math.min(first + perJob - 1, #known)
  rcall('XADD', KEYS[3], '*', 'n', id, 'd', table.concat(known, ',', first, last))
end
if ARGV[1] == '1' then
  rcall('SET', KEYS[1], id .. ':' .. #known, 'EX', ARGV[4])
end

local out = {0, id, #known}
for _, u in ipairs(unknown) do out[#out + 1] = u end
return out
