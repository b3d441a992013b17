--[[
  Removes the given messages (exact bytes, one copy each) from in-progress in time
  proportional to how deep the deepest of them lies from the nearer end, instead of one
  O(n) LREM per message. The scanned stretch is read once, trimmed off, and what stays
  is pushed back in its original order. The entered-time records of the removed
  messages are deleted.

  The scan starts at the tail (the oldest end) when the oldest item in progress is one of
  the messages, else at the head (where receives push): batches mostly complete in the
  order they were received, and a batch held back (an outage) sits under newer ones.

  With state changes (ARGV[2] >= 0) the call is all or nothing: when any of the messages
  is no longer in progress, nothing is removed and no total changes (so a publisher's
  totals count each message once); else every change is applied (apply_changes, from
  shared/state-totals.lua: the totals are added with HINCRBY, and one that fails (it
  would overflow 64 bits) restores those already added and fails the call before
  anything is removed; then the values set if newer are kept).

  KEYS[1] inprogress       LIST of messages being published
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3 ..]               per state change, two keys: its namespace's totals HASH (total
                           name -> integer) and its values set if newer HASH (name ->
                           '<timestamp> <value>'); none without state changes
  ARGV[1] n, the number of messages
  ARGV[2] k, the number of state changes; -1 without (each message still in progress is
          removed, the others skipped)
  ARGV[3 .. n+2] messages
  ARGV[n+3 .. 2n+2] the SHA-1 (hex) of each message, in the same order
  ARGV[2n+3 ..] per state change: m, g, m pairs (total name, integer amount to add),
                g triples (name, timestamp as a decimal integer, value)

  Returns how many messages were removed.
]]
local n = tonumber(ARGV[1])
local changes = tonumber(ARGV[2])
local wanted = {}
local digest_of = {}
local remaining = 0
for i = 3, n + 2 do
  local m = ARGV[i]
  wanted[m] = (wanted[m] or 0) + 1
  digest_of[m] = ARGV[i + n]
  remaining = remaining + 1
end
if remaining == 0 then
  return 0
end

local oldest = redis.call('LINDEX', KEYS[1], -1)
local from_head = not (oldest and wanted[oldest])
local len = redis.call('LLEN', KEYS[1])
local kept = {}
local removed = 0
local digests = {}
local scanned = 0
local chunk = 1000

while remaining > 0 and scanned < len do
  local items
  if from_head then
    items = redis.call('LRANGE', KEYS[1], scanned, scanned + chunk - 1)
  else
    items = redis.call('LRANGE', KEYS[1], -(scanned + chunk), -(scanned + 1))
  end
  local count = #items
  if count == 0 then
    break
  end
  for k = 1, count do
    -- From the tail, walk the slice backwards (LRANGE returns it head first).
    local m = from_head and items[k] or items[count - k + 1]
    scanned = scanned + 1
    local w = wanted[m]
    if w and w > 0 then
      wanted[m] = w - 1
      remaining = remaining - 1
      removed = removed + 1
      digests[#digests + 1] = digest_of[m]
    else
      kept[#kept + 1] = m
    end
    if remaining == 0 then
      break
    end
  end
end

if removed == 0 or (changes >= 0 and remaining > 0) then
  return 0
end

if changes > 0 then
  local failed = apply_changes(3, 2 * n + 3, changes)
  if failed then
    return failed
  end
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

-- One record per digest: an identical copy still in progress loses it too and is timed
-- again from when the nanny next sees it (later, never earlier).
for d = 1, #digests, chunk do
  redis.call('HDEL', KEYS[2], unpack(digests, d, math.min(d + chunk - 1, #digests)))
end
return removed
