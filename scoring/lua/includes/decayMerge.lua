--[[
  Merges packed counters "successes failures latencySum latencyCount at" with an increment valued at
  `at`: both are decayed by 2^(-elapsed / halfLife) to the later timestamp, then added. The same rule as
  `mergeCounters` in scoring/stats.ts, so merges commute and concurrent batches add up exactly.
  Returns the merged counters, packed.
]]
local function decayMerge(packed, s, f, ls, lc, at, halfLife)
  if packed then
    local s0, f0, ls0, lc0, at0 = string.match(packed, '^(%S+) (%S+) (%S+) (%S+) (%S+)$')
    at0 = tonumber(at0)
    if at0 then
      local t = math.max(at, at0)
      local k0 = 1
      local k = 1
      if at0 < t then k0 = 2 ^ (-(t - at0) / halfLife) end
      if at < t then k = 2 ^ (-(t - at) / halfLife) end
      s = tonumber(s0) * k0 + s * k
      f = tonumber(f0) * k0 + f * k
      ls = tonumber(ls0) * k0 + ls * k
      lc = tonumber(lc0) * k0 + lc * k
      at = t
    end
  end
  return string.format('%.17g %.17g %.17g %.17g %.17g', s, f, ls, lc, at)
end
