--[[
  Records that one copy of a message entered in-progress (after a blocking move, which
  cannot run inside a script).

  KEYS[1] entered          HASH sha1(message) -> ms since epoch it entered in-progress
  KEYS[2] copies           HASH sha1(message) -> how many copies are in progress
  ARGV[1] sha1 of the message
  ARGV[2] now, ms since epoch
]]
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
