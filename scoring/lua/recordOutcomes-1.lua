--[[
  Applies a batch of outcome increments to one app's score counters. Each increment is merged with the
  stored counters by decaying both to the later timestamp and adding (includes/decayMerge), then the
  history before a detected change is forgotten (includes/forgetBeforeChange), all inside one script,
  so concurrent batches from many gateway instances never lose an update.

  Input:
    KEYS[1] the app's stats hash, '{<prefix>:<app>}:scores:stats'
            field: class key TAB provider;
            value: "successes failures latencySum latencyCount at recentSuccesses recentFailures"

    ARGV[1] half-life, ms
    ARGV[2] recent half-life, ms (0: no recent counters, no change detection)
    ARGV[3] change threshold, |z| (0: never forget at a change)
    ARGV[4] expiry of the hash, ms (0: none); refreshed on every write
    ARGV[5..] groups of 8: field, successes, failures, latencySum, latencyCount, at (epoch ms),
              recentSuccesses, recentFailures

  Output:
    number of distinct fields written
    -1 malformed arguments (nothing written)
]]
local rcall = redis.call
--- @include "includes/decayMerge"
--- @include "includes/forgetBeforeChange"

local halfLife = tonumber(ARGV[1])
local recentHalfLife = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local GROUP = 8
local groups = (#ARGV - 4) / GROUP
if halfLife == nil or halfLife <= 0 or recentHalfLife == nil or recentHalfLife < 0 or threshold == nil or threshold < 0
    or ttl == nil or groups < 1 or groups ~= math.floor(groups) then
  return -1
end

-- Validate everything before the first write: a script error must leave the hash untouched.
local fields = {}
local values = {}
for g = 1, groups do
  local i = 5 + (g - 1) * GROUP
  local v = {}
  for j = 1, GROUP - 1 do
    v[j] = tonumber(ARGV[i + j])
    if v[j] == nil then
      return -1
    end
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
  local c = decayMerge(base, values[g], halfLife, recentHalfLife)
  forgetBeforeChange(c, threshold)
  merged[field] = string.format('%.17g %.17g %.17g %.17g %.17g %.17g %.17g', c[1], c[2], c[3], c[4], c[5], c[6], c[7])
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
