--[[
  Moves one copy of a message out of in-progress into the capped dead-letter list.
  Nothing is recorded when the message is no longer in progress (another agent finished
  it first).

  KEYS[1] inprogress       LIST of messages being published
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] copies           HASH sha1(message) -> how many copies are in progress
  KEYS[4] dead             LIST of dead-letter records (JSON), newest at the head
  KEYS[5] dropped          STRING count of records dropped at the cap
  ARGV[1] message
  ARGV[2] dead-letter record (JSON)
  ARGV[3] cap on the dead-letter list
  ARGV[4] 'head' or 'tail': which end of in-progress to search from

  Returns 1 when the message was dead-lettered, 0 when it was not in progress.
]]
local removed = redis.call('LREM', KEYS[1], ARGV[4] == 'tail' and -1 or 1, ARGV[1])
if removed == 0 then
  return 0
end
local digest = redis.sha1hex(ARGV[1])
local left = redis.call('HINCRBY', KEYS[3], digest, -1)
if left <= 0 then
  redis.call('HDEL', KEYS[3], digest)
  redis.call('HDEL', KEYS[2], digest)
end
redis.call('LPUSH', KEYS[4], ARGV[2])
local cap = tonumber(ARGV[3])
local len = redis.call('LLEN', KEYS[4])
if len > cap then
  redis.call('LTRIM', KEYS[4], 0, cap - 1)
  redis.call('INCRBY', KEYS[5], len - cap)
end
return 1
