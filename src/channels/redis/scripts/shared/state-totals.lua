--[[
  apply_totals(state, first, totals) adds a publisher's state change in a completing
  script (loaded in front of it by redis-scripts.ts): `totals` pairs of ARGV from index
  `first` (total name, integer amount) are added with HINCRBY to the HASH `state`. One
  that fails (it would overflow 64 bits) restores those already added; the function
  then returns the error reply for the script to return before it changes anything
  else, and nil when every total was added.
]]
local function apply_totals(state, first, totals)
  local before = {}
  for t = 0, totals - 1 do
    local name = ARGV[first + 2 * t]
    before[t + 1] = redis.call('HGET', state, name) or false
    local added = redis.pcall('HINCRBY', state, name, ARGV[first + 2 * t + 1])
    if type(added) == 'table' and added.err then
      for u = 0, t - 1 do
        local undo = ARGV[first + 2 * u]
        if before[u + 1] then
          redis.call('HSET', state, undo, before[u + 1])
        else
          redis.call('HDEL', state, undo)
        end
      end
      return redis.error_reply('state total ' .. name .. ': ' .. added.err)
    end
  end
  return nil
end
