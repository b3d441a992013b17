--[[
  Lists up to ARGV[1] in-progress messages, oldest first, each with the time it entered
  in-progress, within a byte budget, and the server's time now: "stuck" is judged by the
  server's clock, never by a process's. A message with no record (moved by another
  client, or a crash between the move and its record) is recorded now, so it is timed
  from when it was first seen. When in-progress is empty, records left behind (of
  messages another client's agent removed) are dropped.

  A message longer than ARGV[2] bytes (left in progress by an agent without that limit)
  is moved to the dead-letter list whole, after a one-line JSON header, without being
  returned (dead_letter_unread, from shared/receive-helpers.lua, which is loaded in
  front of this script). The listing stops before the message that would take it over
  ARGV[3] bytes; the first one is always listed.

  KEYS[1] inprogress       LIST of messages being published (newest at the head)
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] dead             LIST of dead-letter records, newest at the head
  ARGV[1] limit
  ARGV[2] max bytes of one message (0: no limit)
  ARGV[3] max bytes of the listing (0: no limit)

  Returns {server time in ms, messages dead-lettered, the dead-letter list's length after the
  last of them, the size of the last of them, message, entered-ms, message, entered-ms, ...}
]]
local limit = tonumber(ARGV[1])
local max_message = tonumber(ARGV[2])
local max_batch = tonumber(ARGV[3])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if limit <= 0 then
  return out
end
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return out
end

local listed = 0
local bytes = 0
-- Items kept so far, counted from the tail: where the next chunk starts.
local passed = 0
local chunk = 100
local done = false
while not done and listed < limit do
  local items = redis.call('LRANGE', KEYS[1], -(passed + chunk), -(passed + 1))
  if #items == 0 then
    break
  end
  for i = #items, 1, -1 do
    local m = items[i]
    local size = #m
    if max_message > 0 and size > max_message then
      -- From the tail: this copy, or an identical one nearer the tail (the same bytes).
      redis.call('LREM', KEYS[1], -1, m)
      redis.call('HDEL', KEYS[2], redis.sha1hex(m))
      dead_letter_unread(out, KEYS[3], m, max_message, now_ms)
    elseif max_batch > 0 and listed > 0 and bytes + size > max_batch then
      done = true
      break
    else
      local digest = redis.sha1hex(m)
      local entered = redis.call('HGET', KEYS[2], digest)
      if not entered then
        entered = now_ms
        redis.call('HSET', KEYS[2], digest, entered)
      end
      out[#out + 1] = m
      out[#out + 1] = tostring(entered)
      listed = listed + 1
      bytes = bytes + size
      passed = passed + 1
      if listed >= limit then
        done = true
        break
      end
    end
  end
  if #items < chunk and not done then
    -- The chunk reached the head: nothing more to look at (removals only shrink the list).
    break
  end
end
return out
