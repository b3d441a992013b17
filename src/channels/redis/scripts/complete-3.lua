--[[
  Removes the given messages (exact bytes, one copy each) from in-progress in time
  proportional to how deep the deepest of them lies from the chosen end, instead of one
  O(n) LREM per message. The scanned stretch is read once, trimmed off, and what stays
  is pushed back in its original order.

  KEYS[1] inprogress       LIST of messages being published
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] copies           HASH sha1(message) -> how many copies are in progress
  ARGV[1] 'head' (recently received) or 'tail' (long in progress): where to scan from
  ARGV[2..] messages

  Returns how many messages were removed.
]]
local wanted = {}
local remaining = 0
for i = 2, #ARGV do
  local m = ARGV[i]
  wanted[m] = (wanted[m] or 0) + 1
  remaining = remaining + 1
end
if remaining == 0 then
  return 0
end

local from_head = ARGV[1] ~= 'tail'
local len = redis.call('LLEN', KEYS[1])
local kept = {}
local removed = {}
local scanned = 0
local chunk = 1000

while remaining > 0 and scanned < len do
  local items
  if from_head then
    items = redis.call('LRANGE', KEYS[1], scanned, scanned + chunk - 1)
  else
    items = redis.call('LRANGE', KEYS[1], -(scanned + chunk), -(scanned + 1))
  end
  local n = #items
  if n == 0 then
    break
  end
  for k = 1, n do
    -- From the tail, walk the slice backwards (LRANGE returns it head first).
    local m = from_head and items[k] or items[n - k + 1]
    scanned = scanned + 1
    local w = wanted[m]
    if w and w > 0 then
      wanted[m] = w - 1
      remaining = remaining - 1
      removed[#removed + 1] = m
    else
      kept[#kept + 1] = m
    end
    if remaining == 0 then
      break
    end
  end
end

if #removed == 0 then
  return 0
end

if from_head then
  redis.call('LTRIM', KEYS[1], scanned, -1)
else
  redis.call('LTRIM', KEYS[1], 0, -(scanned + 1))
end
-- Push back what stays, nearest-to-the-end first last, so the original order returns.
local i = #kept
while i >= 1 do
  local lo = math.max(1, i - chunk + 1)
  local part = {}
  for j = i, lo, -1 do
    part[#part + 1] = kept[j]
  end
  if from_head then
    redis.call('LPUSH', KEYS[1], unpack(part))
  else
    redis.call('RPUSH', KEYS[1], unpack(part))
  end
  i = lo - 1
end

for k = 1, #removed do
  local digest = redis.sha1hex(removed[k])
  local left = redis.call('HINCRBY', KEYS[3], digest, -1)
  if left <= 0 then
    redis.call('HDEL', KEYS[3], digest)
    redis.call('HDEL', KEYS[2], digest)
  end
end
return #removed
