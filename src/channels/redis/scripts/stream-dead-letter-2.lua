--[[
  Moves one pending entry to the dead-letter list with a reason: acknowledged, deleted
  from the stream and recorded whole (dead_letter_entry, shared/stream-helpers.lua).
  Nothing is recorded when it is no longer pending (another agent finished it first).

  Without a reason (ARGV[3] empty), the entry is one a plain XREADGROUP delivered that is
  over ARGV[4] bytes or not written by a Kadabra client: the reason is check_entry's
  (shared/stream-helpers.lua), so it reads as on every other receive path; an entry that
  fits after all is left pending as it is.

  KEYS[1] stream           STREAM of messages
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] entry id
  ARGV[3] reason, or '' for check_entry's
  ARGV[4] max bytes of one message, when ARGV[3] is '' (0: no limit)

  Returns the length of the dead-letter list after the push, 0 when the entry was not
  pending (or fits, without a reason).
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
local reason = ARGV[3]
if reason == '' then
  local message, unfit = check_entry(entry[2], tonumber(ARGV[4]) or 0,
    'it was delivered by a plain XREADGROUP, which cannot look at sizes first, and moved here without being decoded')
  if message then
    return 0
  end
  reason = unfit
end
local out = {0, 0, 0, 0}
dead_letter_entry(out, stream, group, dead, id, entry[2], reason, server_now_ms())
return out[3]
