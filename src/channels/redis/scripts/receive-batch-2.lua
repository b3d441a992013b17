--[[
  Moves up to ARGV[1] messages from the tail (oldest end) of the queue to the head of
  in-progress, as BRPOPLPUSH does one by one. An empty queue costs one LLEN. The caller
  records when they entered in-progress (HSET on the entered HASH, keyed by the SHA-1 of
  each message, computed by the caller: in Lua the digests cost more than the move).

  KEYS[1] queue            LIST of pending messages
  KEYS[2] inprogress       LIST of messages being published
  ARGV[1] max messages

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
    moved[#moved + 1] = items[i]
  end
end
return moved
