--[[
  Accepts a notification in one atomic step and one round trip (see includes/acceptOne.lua).

  Input:
    KEYS[1] idempotency key ('{pm:app}:idem:<key>'; unused when ARGV[1] is '0')
    KEYS[2] notification key ('{pm:app}:n:<id>'), a string: '<notification JSON>\n<device ids, comma-separated>'
    KEYS[3] job stream ('{pm:app}:jobs')
    KEYS[4] device index set ('{pm:app}:devices')

    ARGV[1] '1' when an idempotency key is given, else '0'
    ARGV[2] notification id
    ARGV[3] notification JSON (without its recipients)
    ARGV[4] idempotency TTL (seconds)
    ARGV[5] retention (seconds)
    ARGV[6] devices per job
    ARGV[7..] candidate device ids

  Output: acceptOne's answer.
]]
--- @include "includes/acceptOne"

local candidates = {}
for i = 7, #ARGV do
  candidates[#candidates + 1] = ARGV[i]
end
return acceptOne(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], candidates)
