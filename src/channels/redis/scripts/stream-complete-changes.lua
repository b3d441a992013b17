--[[
  Completes published entries: acknowledges them in the group and deletes them from the
  stream (XACK + XDEL), O(1) each, so the stream holds only what is waiting or in progress.

  With state changes (ARGV[3] >= 0) the call is all or nothing: when any of the entries
  is no longer pending in the group (another agent completed or dead-lettered it first),
  nothing is acknowledged and no total changes; else every change is applied
  (apply_changes, shared/state-totals.lua: the totals are added with HINCRBY, and one
  that would overflow restores the others and fails the call before anything is
  acknowledged; then the values set if newer are kept).

  KEYS[1] stream           STREAM of messages
  KEYS[2 ..]               per state change, two keys: its namespace's totals HASH (total
                           name -> integer) and its values set if newer HASH (name ->
                           '<timestamp> <value>'); none without state changes
  ARGV[1] group
  ARGV[2] n, the number of entry ids
  ARGV[3] k, the number of state changes; -1 without (entries no longer pending are skipped)
  ARGV[4 .. n+3] entry ids
  ARGV[n+4 ..] per state change: m, g, m pairs (total name, integer amount to add),
               g triples (name, timestamp as a decimal integer, value)

  Returns how many entries were acknowledged.
]]
local stream, group = KEYS[1], ARGV[1]
local n = tonumber(ARGV[2])
local changes = tonumber(ARGV[3])
if n == 0 then
  return 0
end
local ids = {}
for i = 4, n + 3 do
  ids[#ids + 1] = ARGV[i]
end

if changes >= 0 then
  for _, id in ipairs(ids) do
    if #redis.call('XPENDING', stream, group, id, id, 1) == 0 then
      return 0
    end
  end
  if changes > 0 then
    local failed = apply_changes(2, n + 4, changes)
    if failed then
      return failed
    end
  end
end

local acknowledged = 0
local chunk = 1000
for first = 1, n, chunk do
  local last = math.min(first + chunk - 1, n)
  acknowledged = acknowledged + redis.call('XACK', stream, group, unpack(ids, first, last))
  redis.call('XDEL', stream, unpack(ids, first, last))
end
return acknowledged
