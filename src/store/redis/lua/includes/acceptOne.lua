--[[
  One notification's accept, shared by accept-4.lua (one) and acceptMany-n.lua (several in one call):
  idempotency check, recipient resolution against the app's device index, the notification record,
  its delivery jobs. Nothing is written when the idempotency key was already used or no recipient is
  registered.

  Answers a table:
    {0, id, recipients, unknown...}   stored; unknown = candidates not registered
    {1, firstId, firstRecipients}     duplicate idempotency key: the first answer
    {2, '', 0, unknown...}            none of the candidates is registered: nothing stored
]]
local function acceptOne(idemKey, notificationKey, streamKey, indexKey, hasIdem, id, doc, idemTtl, retention, perJob, candidates)
  if hasIdem == '1' then
    local first = redis.call('GET', idemKey)
    if first then
      local sep = string.find(first, ':', 1, true)
      return {1, string.sub(first, 1, sep - 1), tonumber(string.sub(first, sep + 1))}
    end
  end

  local known = {}
  local unknown = {}
  -- SMISMEMBER in slices: unpack() of thousands of arguments would overflow Lua's C stack.
  for from = 1, #candidates, 1000 do
    local to = math.min(from + 999, #candidates)
    local flags = redis.call('SMISMEMBER', indexKey, unpack(candidates, from, to))
    for i = from, to do
      if flags[i - from + 1] == 1 then
        known[#known + 1] = candidates[i]
      else
        unknown[#unknown + 1] = candidates[i]
      end
    end
  end

  if #known == 0 then
    local out = {2, '', 0}
    for _, u in ipairs(unknown) do out[#out + 1] = u end
    return out
  end

  -- One string, '<doc>\n<device ids>': one write instead of a hash and its EXPIRE (the doc is JSON,
  -- which never holds a raw newline).
  redis.call('SET', notificationKey, doc .. '\n' .. table.concat(known, ','), 'EX', retention)
  local jobSize = tonumber(perJob)
  for first = 1, #known, jobSize do
    local last = math.min(first + jobSize - 1, #known)
    redis.call('XADD', streamKey, '*', 'n', id, 'd', table.concat(known, ',', first, last))
  end
  if hasIdem == '1' then
    redis.call('SET', idemKey, id .. ':' .. #known, 'EX', idemTtl)
  end

  local out = {0, id, #known}
  for _, u in ipairs(unknown) do out[#out + 1] = u end
  return out
end
