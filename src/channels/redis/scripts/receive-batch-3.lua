--[[
  Moves up to ARGV[1] messages from the tail (oldest end) of the queue to the head of
  in-progress, as BRPOPLPUSH does one by one, within a byte budget. An empty queue costs
  one LLEN. The caller records when they entered in-progress, at the server time this
  script returns (HSET on the entered HASH, keyed by the SHA-1 of each message, computed
  by the caller: in Lua the digests cost more than the move).

  A message longer than ARGV[2] bytes never leaves the server: it goes straight from the
  queue to the dead-letter list, kept whole after a one-line JSON header (the reason, the
  time, its length), so no agent ever holds it (dead_letter_unread, from
  shared/receive-helpers.lua, which is loaded in front of this script). A message that
  would take the batch over ARGV[3] bytes goes back to the tail of the queue and ends
  the batch; the first one is always taken.

  KEYS[1] queue            LIST of pending messages
  KEYS[2] inprogress       LIST of messages being published
  KEYS[3] dead             LIST of dead-letter records, newest at the head
  ARGV[1] max messages
  ARGV[2] max bytes of one message (0: no limit)
  ARGV[3] max bytes of the batch (0: no limit)

  Returns {server time in ms, messages dead-lettered, the dead-letter list's length after the
  last of them, the size of the last of them, message, message, ...}, oldest first.
]]
local max = tonumber(ARGV[1])
local max_message = tonumber(ARGV[2])
local max_batch = tonumber(ARGV[3])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if max <= 0 or redis.call('LLEN', KEYS[1]) == 0 then
  return out
end

local moved = 0
local bytes = 0
-- Small chunks: each popped message is copied into the script's memory.
local chunk = 100
while moved < max do
  local items = redis.call('RPOP', KEYS[1], math.min(chunk, max - moved))
  if not items then
    break
  end
  local accepted = {}
  local full = false
  for i = 1, #items do
    local m = items[i]
    local size = #m
    if max_message > 0 and size > max_message then
      dead_letter_unread(out, KEYS[3], m, max_message, now_ms)
    elseif max_batch > 0 and moved > 0 and bytes + size > max_batch then
      -- Back to the tail, in the order popped: this one ends up oldest again.
      full = true
      for j = #items, i, -1 do
        redis.call('RPUSH', KEYS[1], items[j])
      end
      break
    else
      accepted[#accepted + 1] = m
      moved = moved + 1
      bytes = bytes + size
      out[#out + 1] = m
    end
  end
  -- LPUSH in pop order leaves the newest at the head, as BRPOPLPUSH does one by one.
  if #accepted > 0 then
    redis.call('LPUSH', KEYS[2], unpack(accepted))
  end
  if full then
    break
  end
end
return out
