--[[
  Removes a presence entry only if this connection still owns it (the device may have moved on).

  Input:
    KEYS[1] presence key

    ARGV[1] token (<nodeId>|<seq>)

  Output:
    1 removed, 0 not ours
]]
local rcall = redis.call
if rcall('GET', KEYS[1]) == ARGV[1] then
  rcall('DEL', KEYS[1])
  return 1
end
return 0
