--[[
  Delivers up to ARGV[3] new entries of the stream to this consumer of the group
  (XREADGROUP, without blocking: a script cannot block), within a byte budget. They stay
  pending for this consumer, by the server's clock, until acknowledged.

  An entry over ARGV[4] bytes, or not written by a Kadabra client, is moved to the
  dead-letter list whole and acknowledged without being returned (dead_letter_entry,
  from shared/stream-helpers.lua). With a budget ARGV[5], the batch stops before the entry
  that would take it over, and always holds one: the entries read past that point are
  given back (give_back below) in the same step, so they are delivered by the next read
  as if this one had never seen them. (Looking at the sizes first, with XRANGE, cost a
  third more than reading once and giving back the rare tail.)

  KEYS[1] stream           STREAM of messages (field m)
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] consumer
  ARGV[3] max messages
  ARGV[4] max bytes of one message (0: no limit)
  ARGV[5] max bytes of the batch (0: no limit)

  Returns {server time in ms, entries dead-lettered, the dead-letter list's length after
  the last of them, the size of the last of them, id, message, id, message, ...}, oldest first.
]]
local stream, dead, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local max = tonumber(ARGV[3])
local max_message = tonumber(ARGV[4])
local max_batch = tonumber(ARGV[5])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if max <= 0 then
  return out
end

-- Undoes the delivery of entries[first ..], the tail of this call's read: out of this
-- consumer's pending entries (XACK: each stays in the stream), and the group's
-- last-delivered id set back to the entry before them, so the next read delivers them
-- again, first. Nothing else ran since the read: no other consumer holds any of them.
local function give_back(entries, first)
  local ids = {}
  for i = first, #entries do
    ids[#ids + 1] = entries[i][1]
  end
  -- In chunks, within the arguments Lua can unpack at once.
  for i = 1, #ids, 1000 do
    redis.call('XACK', stream, group, unpack(ids, i, math.min(i + 999, #ids)))
  end
  redis.call('XGROUP', 'SETID', stream, group, entries[first - 1][1])
end

local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, 'STREAMS', stream, '>')
if not reply then
  return out
end
local entries = reply[1][2]
local taken, bytes = 0, 0
for i, entry in ipairs(entries) do
  local id, fields = entry[1], entry[2]
  local message, reason = check_entry(fields, max_message)
  if not message then
    dead_letter_entry(out, stream, group, dead, id, fields, reason, now_ms)
  elseif taken > 0 and max_batch > 0 and bytes + #message > max_batch then
    -- Over the budget: this entry and those after it were never delivered.
    give_back(entries, i)
    break
  else
    taken = taken + 1
    bytes = bytes + #message
    out[#out + 1] = id
    out[#out + 1] = message
  end
end
return out
