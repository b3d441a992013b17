--[[
  Records how many shards the stream has, on first use, and returns the count recorded:
  every process of the channel compares it with its own `shards` and refuses to work
  with another (messages would be stranded in shards it does not read).

  Recorded once (SET NX semantics): the first process to record wins. When nothing is
  recorded yet but the stream of a one-shard channel exists (written before the count
  was recorded), the count recorded is 1, whatever this process asks for.

  KEYS[1] count            STRING holding the shard count (`<stream_key>:shards`)
  KEYS[2] stream           the stream a one-shard channel uses (`stream_key`, same slot)
  ARGV[1] this process's shard count
  ARGV[2] '1' to record it when nothing is recorded, '0' only to read

  Returns the count recorded, or 0 when none is (and ARGV[2] is '0').
]]
local recorded = redis.call('GET', KEYS[1])
if recorded then
  return tonumber(recorded)
end
if ARGV[2] ~= '1' then
  return 0
end
local count = tonumber(ARGV[1])
if count ~= 1 and redis.call('EXISTS', KEYS[2]) == 1 then
  count = 1
end
redis.call('SET', KEYS[1], count)
return count
