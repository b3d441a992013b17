--[[
  Moves one pending entry to the dead-letter list with a reason: acknowledged, deleted
  from the stream and recorded whole (dead_letter_entry, shared/stream-helpers.lua).
  Nothing is recorded when it is no longer pending (another agent finished it first).

  KEYS[1] stream           STREAM of messages
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] entry id
  ARGV[3] reason

  Returns the length of the dead-letter list after the push, 0 when the entry was not
  pending.
]]
local stream, dead, group, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if #redis.call('XPENDING', stream, group, id, id, 1) == 0 then
  return 0
end
local entry = redis.call('XRANGE', stream, id, id)[1]
if not entry then
  redis.call('XACK', stream, group, id)
  return 0
end
local out = {0, 0, 0, 0}
dead_letter_entry(out, stream, group, dead, id, entry[2], ARGV[3], server_now_ms())
return out[3]
