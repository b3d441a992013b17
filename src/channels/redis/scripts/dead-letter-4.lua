--[[
  Moves one copy of a message out of in-progress into the capped dead-letter list.
  Nothing is recorded when the message is no longer in progress (another agent finished
  it first).

  KEYS[1] inprogress       LIST of messages being published
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] dead             LIST of dead-letter records (JSON), newest at the head
  KEYS[4] dropped          STRING count of records dropped at the cap
  ARGV[1] message
  ARGV[2] sha1 (hex) of the message
  ARGV[3] dead-letter record (JSON)
  ARGV[4] cap on the dead-letter list
  ARGV[5] 'head' or 'tail': which end of in-progress to search from

  Returns 1 when the message was dead-lettered, 0 when it was not in progress.
]]
local removed = redis.call('LREM', KEYS[1], ARGV[5] == 'tail' and -1 or 1, ARGV[1])
if removed == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('LPUSH', KEYS[3], ARGV[3])
local cap = tonumber(ARGV[4])
local len = redis.call('LLEN', KEYS[3])
if len > cap then
  redis.call('LTRIM', KEYS[3], 0, cap - 1)
  redis.call('INCRBY', KEYS[4], len - cap)
end
return 1
