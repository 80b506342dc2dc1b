--[[
  Accepts several notifications of one app in one atomic step and one round trip: acceptOne (see
  includes/acceptOne.lua) for each, in order. The gateway gathers the accepts of one event-loop turn
  into one call (group commit), so Redis and the client pay the per-command cost once per turn.

  Input (the key count is the call's first argument):
    KEYS[1] job stream ('{pm:app}:jobs')
    KEYS[2] device index set ('{pm:app}:devices')
    then per notification, in order: its notification key, and its idempotency key when it has one

    ARGV[1] idempotency TTL (seconds)
    ARGV[2] retention (seconds)
    ARGV[3] devices per job
    then per notification: '1'/'0' (idempotency key given), id, notification JSON, candidate count,
    the candidates

  Output: the answers of acceptOne, flattened, each preceded by its length.
]]
--- @include "includes/acceptOne"

local out = {}
local at = 4
local key = 3
while key <= #KEYS do
  local hasIdem, id, doc, count = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
  local candidates = {}
  for c = at + 4, at + 3 + count do
    candidates[#candidates + 1] = ARGV[c]
  end
  at = at + 4 + count
  local notificationKey, idemKey = KEYS[key], false
  key = key + 1
  if hasIdem == '1' then
    idemKey = KEYS[key]
    key = key + 1
  end
  local answer = acceptOne(idemKey, notificationKey, KEYS[1], KEYS[2], hasIdem, id, doc, ARGV[1], ARGV[2], ARGV[3], candidates)
  out[#out + 1] = #answer
  for _, v in ipairs(answer) do out[#out + 1] = v end
end
return out
