--[[
  Drops a device inbox's expired entries and keeps the app's depth counter in step.
  Uses: inboxKey, expiryKey, depthKey, now
]]
local function purgeExpired(inboxKey, expiryKey, depthKey, now)
  local expired = rcall('ZRANGEBYSCORE', expiryKey, '-inf', now)
  if #expired > 0 then
    rcall('HDEL', inboxKey, unpack(expired))
    rcall('ZREMRANGEBYSCORE', expiryKey, '-inf', now)
    rcall('DECRBY', depthKey, #expired)
  end
end
