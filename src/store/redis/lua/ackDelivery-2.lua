--[[
  An ack's write: compare-and-set of one delivery record (as putDelivery-2.lua) that also takes the
  awaited step's ack deadline out of the due set, in one atomic step. Whether the deadline was still
  due (not claimed by an escalation) decides which record is written: the on-time one or the late one.
  A lost compare-and-set changes nothing, the deadline included.

  Input:
    KEYS[1] deliveries hash ('{pm:app}:d:<notificationId>')
    KEYS[2] due deadlines, sorted set ('{pm:app}:deadlines'; same hash tag, so one cluster slot)

    ARGV[1] device id (the hash field)
    ARGV[2] version the writer read
    ARGV[3] value if on time ('<version+1>|<json>')
    ARGV[4] value if late
    ARGV[5] retention (seconds)
    ARGV[6] deadline member to take out, or '' for none
    ARGV[7] '1' when taking the deadline out makes the ack on time

  Output:
    2 written on time, 1 written late, 0 the stored version differs (another writer won)
]]
--- @include "includes/storedVersionIs"

local rcall = redis.call

if not storedVersionIs(KEYS[1], ARGV[1], ARGV[2]) then
  return 0
end
local removed = 0
if ARGV[6] ~= '' then
  removed = rcall('ZREM', KEYS[2], ARGV[6])
end
local onTime = removed == 1 and ARGV[7] == '1'
rcall('HSET', KEYS[1], ARGV[1], onTime and ARGV[3] or ARGV[4])
rcall('EXPIRE', KEYS[1], ARGV[5])
if onTime then
  return 2
end
return 1
