--[[
  Applies a batch of outcome increments to one app's score counters. Each increment is merged with the
  stored counters by decaying both to the later timestamp and adding (includes/decayMerge), all inside
  one script, so concurrent batches from many gateway instances never lose an update.

  Input:
    KEYS[1] the app's stats hash, '{<prefix>:<app>}:scores:stats'
            field: class key TAB provider; value: "successes failures latencySum latencyCount at"

    ARGV[1] half-life, ms
    ARGV[2] expiry of the hash, ms (0: none); refreshed on every write
    ARGV[3..] groups of 6: field, successes, failures, latencySum, latencyCount, at (epoch ms)

  Output:
    number of distinct fields written
    -1 malformed arguments (nothing written)
]]
local rcall = redis.call
--- @include "includes/decayMerge"

local halfLife = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local groups = (#ARGV - 2) / 6
if halfLife == nil or halfLife <= 0 or ttl == nil or groups < 1 or groups ~= math.floor(groups) then
  return -1
end

-- Validate everything before the first write: a script error must leave the hash untouched.
local fields = {}
local values = {}
for g = 1, groups do
  local i = 3 + (g - 1) * 6
  local v = {tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])}
  if v[1] == nil or v[2] == nil or v[3] == nil or v[4] == nil or v[5] == nil then
    return -1
  end
  fields[g] = ARGV[i]
  values[g] = v
end

local current = rcall('HMGET', KEYS[1], unpack(fields))
-- A field may repeat within a batch: later groups merge onto the earlier result, not the stored value.
local merged = {}
local order = {}
for g = 1, groups do
  local field = fields[g]
  local base = merged[field]
  if base == nil then
    base = current[g]
    if base == false then base = nil end
    order[#order + 1] = field
  end
  local v = values[g]
  merged[field] = decayMerge(base, v[1], v[2], v[3], v[4], v[5], halfLife)
end

local args = {}
for _, field in ipairs(order) do
  args[#args + 1] = field
  args[#args + 1] = merged[field]
end
rcall('HSET', KEYS[1], unpack(args))
if ttl > 0 then
  rcall('PEXPIRE', KEYS[1], ttl)
end
return #order
