--[[
  Lists up to ARGV[1] in-progress messages, oldest first, each with the time it entered
  in-progress. A message with no record (moved by another client, or a crash between the
  move and the record) is recorded now, so it is timed from when it was first seen.
  Only its time is recorded, never a copy count: a receive may be between its move and
  its own record (record-entered-2 adds the copy), and counting the copy here too would
  leave the records behind when it completes. complete-3 and dead-letter-5 treat a
  missing count as one copy.

  KEYS[1] inprogress       LIST of messages being published (newest at the head)
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[3] copies           HASH sha1(message) -> copies in progress (read by the others; not written here)
  ARGV[1] limit
  ARGV[2] now, ms since epoch

  Returns a flat list: message, entered-ms, message, entered-ms, ...
]]
local limit = tonumber(ARGV[1])
if limit <= 0 then
  return {}
end
local items = redis.call('LRANGE', KEYS[1], -limit, -1)
local out = {}
for i = #items, 1, -1 do
  local m = items[i]
  local digest = redis.sha1hex(m)
  local t = redis.call('HGET', KEYS[2], digest)
  if not t then
    t = ARGV[2]
    redis.call('HSET', KEYS[2], digest, t)
  end
  out[#out + 1] = m
  out[#out + 1] = t
end
return out
