--[[
  Change detection on merged counters {s, f, ls, lc, at, rs, rf} (mutated): when the recent outcomes
  disagree with the older ones (|z| of a two-proportion test above `threshold`), the long-run successes
  and failures are replaced by the recent ones and the recent pair restarts at 0. The same rule, in the same order of operations, as
  `forgetBeforeChange` in scoring/change-detection.ts (see there for why).
]]
local function forgetBeforeChange(c, threshold)
  if threshold <= 0 then return end
  local recentN = c[6] + c[7]
  local olderS = math.max(0, c[1] - c[6])
  local olderN = olderS + math.max(0, c[2] - c[7])
  if recentN < 1 or olderN < 1 then return end
  -- Pooled rate under "no change", with a uniform prior so p(1 - p) is never 0.
  local p = (c[1] + 1) / (c[1] + c[2] + 2)
  local se = math.sqrt(p * (1 - p) * (1 / recentN + 1 / olderN))
  local z = (c[6] / recentN - olderS / olderN) / se
  if math.abs(z) <= threshold then return end
  c[1] = c[6]
  c[2] = c[7]
  c[6] = 0
  c[7] = 0
end
