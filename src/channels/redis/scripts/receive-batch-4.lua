--[[
  Moves up to ARGV[1] messages from the tail (oldest end) of the queue to the head of
  in-progress, recording when each entered in-progress. An empty queue costs one LLEN.

  KEYS[1] queue            LIST of pending messages
  KEYS[2] inprogress       LIST of messages being published
  KEYS[3] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[4] copies           HASH sha1(message) -> how many copies are in progress
  ARGV[1] max messages
  ARGV[2] now, ms since epoch

  Returns the moved messages, oldest first.
]]
local max = tonumber(ARGV[1])
local len = redis.call('LLEN', KEYS[1])
if len == 0 or max <= 0 then
  return {}
end
if max > len then
  max = len
end
local moved = {}
local chunk = 1000
while #moved < max do
  local want = math.min(chunk, max - #moved)
  -- RPOP with a count returns the popped items oldest first.
  local items = redis.call('RPOP', KEYS[1], want)
  if not items then
    break
  end
  -- LPUSH in pop order leaves the newest at the head, as BRPOPLPUSH does one by one.
  redis.call('LPUSH', KEYS[2], unpack(items))
  for i = 1, #items do
    local digest = redis.sha1hex(items[i])
    redis.call('HSETNX', KEYS[3], digest, ARGV[2])
    redis.call('HINCRBY', KEYS[4], digest, 1)
    moved[#moved + 1] = items[i]
  end
end
return moved
