--[[
  Moves one copy of a message out of in-progress into the dead-letter list. Dead letters
  are never trimmed: the caller compares the length returned with its alarm threshold.
  Nothing is recorded when the message is no longer in progress (another agent finished
  it first).

  KEYS[1] inprogress       LIST of messages being published
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] dead             LIST of dead-letter records (JSON), newest at the head
  ARGV[1] message
  ARGV[2] sha1 (hex) of the message
  ARGV[3] dead-letter record (JSON)
  ARGV[4] 'head' or 'tail': which end of in-progress to search from

  Returns the length of the dead-letter list after the push, 0 when the message was not
  in progress.
]]
local removed = redis.call('LREM', KEYS[1], ARGV[4] == 'tail' and -1 or 1, ARGV[1])
if removed == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[2])
return redis.call('LPUSH', KEYS[3], ARGV[3])
