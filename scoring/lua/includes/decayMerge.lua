--[[
  Merges packed counters "successes failures latencySum latencyCount at recentSuccesses recentFailures"
  with an increment valued at `at`: both are decayed to the later timestamp, by 2^(-elapsed / halfLife)
  and the recent pair by 2^(-elapsed / recentHalfLife) (0: not kept), then added. The same rule as
  `mergeCounters` in scoring/stats.ts, so merges commute and concurrent batches add up exactly.
  A value stored before recent counters existed has 5 fields; its recent pair reads as 0.
  Returns the merged counters as {s, f, ls, lc, at, rs, rf}.
]]
local function decayFactor(from, to, halfLife)
  if to <= from then return 1 end
  if halfLife <= 0 then return 0 end
  return 2 ^ (-(to - from) / halfLife)
end

local function decayMerge(packed, v, halfLife, recentHalfLife)
  local s, f, ls, lc, at, rs, rf = v[1], v[2], v[3], v[4], v[5], v[6], v[7]
  if packed then
    local s0, f0, ls0, lc0, at0, rs0, rf0 = string.match(packed, '^(%S+) (%S+) (%S+) (%S+) (%S+) ?(%S*) ?(%S*)$')
    at0 = tonumber(at0)
    if at0 then
      local t = math.max(at, at0)
      local k0 = decayFactor(at0, t, halfLife)
      local k = decayFactor(at, t, halfLife)
      local r0 = decayFactor(at0, t, recentHalfLife)
      local r = decayFactor(at, t, recentHalfLife)
      s = tonumber(s0) * k0 + s * k
      f = tonumber(f0) * k0 + f * k
      ls = tonumber(ls0) * k0 + ls * k
      lc = tonumber(lc0) * k0 + lc * k
      rs = (tonumber(rs0) or 0) * r0 + rs * r
      rf = (tonumber(rf0) or 0) * r0 + rf * r
      at = t
    end
  end
  return {s, f, ls, lc, at, rs, rf}
end
