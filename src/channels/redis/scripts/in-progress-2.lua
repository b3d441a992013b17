--[[
  Lists up to ARGV[1] in-progress messages, oldest first, each with the time it entered
  in-progress. A message with no record (moved by another client, or a crash between the
  move and its record) is recorded now, so it is timed from when it was first seen. When
  in-progress is empty, records left behind (of messages another client's agent removed)
  are dropped.

  KEYS[1] inprogress       LIST of messages being published (newest at the head)
  KEYS[2] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  ARGV[1] limit
  ARGV[2] now, ms since epoch

  Returns a flat list: message, entered-ms, message, entered-ms, ...
]]
local limit = tonumber(ARGV[1])
if limit <= 0 then
  return {}
end
local items = redis.call('LRANGE', KEYS[1], -limit, -1)
if #items == 0 then
  redis.call('DEL', KEYS[2])
  return {}
end
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
