--[[
  Compare-and-set of one delivery record, optionally with the step's ack deadline. Values are stored
  as '<version>|<json>' so the version is read without decoding the JSON. The deadline is added only
  when the write wins, in the same atomic step: a step's intent never exists without its deadline,
  and a lost write leaves no stray deadline behind.

  Input:
    KEYS[1] deliveries hash ('{pm:app}:d:<notificationId>')
    KEYS[2] due deadlines, sorted set ('{pm:app}:deadlines'; same hash tag, so one cluster slot)

    ARGV[1] device id (the hash field)
    ARGV[2] version the writer read (0: no record yet)
    ARGV[3] new value ('<version+1>|<json>')
    ARGV[4] retention (seconds)
    ARGV[5] deadline due time (epoch ms), or '' for none
    ARGV[6] deadline member (when ARGV[5] is set)

  Output:
    1 written, 0 the stored version differs (another writer won)
]]
--- @include "includes/storedVersionIs"

local rcall = redis.call

if not storedVersionIs(KEYS[1], ARGV[1], ARGV[2]) then
  return 0
end
if ARGV[5] ~= '' then
  rcall('ZADD', KEYS[2], ARGV[5], ARGV[6])
end
rcall('HSET', KEYS[1], ARGV[1], ARGV[3])
rcall('EXPIRE', KEYS[1], ARGV[4])
return 1
