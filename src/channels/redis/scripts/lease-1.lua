--[[
  Takes, renews or gives up a lease: one owner at a time holds KEYS[1], for a time the
  server counts (PX), so a holder that dies loses it by itself.

  KEYS[1] the lease key
  ARGV[1] owner
  ARGV[2] ms the lease lasts from now; 0 gives it up

  Returns 1 when ARGV[1] holds the lease after the call, else 0. A lease is taken when
  nobody holds it (the key is absent: never taken, given up or expired), renewed only
  while the caller still holds it, and given up only by its holder.
]]
local key, owner, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2])
local holder = redis.call('GET', key)
if ttl == 0 then
  if holder == owner then
    redis.call('DEL', key)
  end
  return 0
end
if holder == false or holder == owner then
  redis.call('SET', key, owner, 'PX', ttl)
  return 1
end
return 0
