--[[
  Completes published entries: acknowledges them in the group and deletes them from the
  stream (XACK + XDEL), O(1) each, so the stream holds only what is waiting or in progress.

  With a state change (ARGV[3] >= 0) the call is all or nothing: when any of the entries
  is no longer pending in the group (another agent completed or dead-lettered it first),
  nothing is acknowledged and no total changes; else the totals are added with HINCRBY
  (apply_totals, shared/state-totals.lua: one that would overflow restores the others and
  fails the call before anything is acknowledged), then the values set if newer are kept
  (apply_latest, same file).

  KEYS[1] stream           STREAM of messages
  KEYS[2] state            HASH total name -> integer, a publisher's state (untouched
                           without a state change)
  KEYS[3] latest           HASH name -> '<timestamp> <value>', its values set if newer
  ARGV[1] group
  ARGV[2] n, the number of entry ids
  ARGV[3] m, the number of totals in the state change; -1 without a state change
  ARGV[4] g, the number of values set if newer (0 without a state change)
  ARGV[5 .. n+4] entry ids
  ARGV[n+5 ..] m pairs: total name, integer amount to add; then g triples: name,
               timestamp (decimal integer), value

  Returns how many entries were acknowledged.
]]
local stream, state, group = KEYS[1], KEYS[2], ARGV[1]
local n = tonumber(ARGV[2])
local totals = tonumber(ARGV[3])
local sets = tonumber(ARGV[4])
if n == 0 then
  return 0
end
local ids = {}
for i = 5, n + 4 do
  ids[#ids + 1] = ARGV[i]
end

if totals >= 0 then
  for _, id in ipairs(ids) do
    if #redis.call('XPENDING', stream, group, id, id, 1) == 0 then
      return 0
    end
  end
  if totals > 0 then
    local failed = apply_totals(state, n + 5, totals)
    if failed then
      return failed
    end
  end
  if sets > 0 then
    apply_latest(KEYS[3], n + 5 + 2 * totals, sets)
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
