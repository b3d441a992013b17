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

--[[
  apply_latest(latest, first, count) keeps a publisher's values set if newer: `count`
  triples of ARGV from index `first` (name, timestamp as a decimal integer, value) are
  written to the HASH `latest` as `<timestamp> <value>`, each only when the name has no
  value yet, or the new timestamp is later, or the same and the value greater (the order
  of Channel.complete's `isNewerLatest`). Timestamps are compared as decimal texts, exact
  over the whole signed 64-bit range (Lua's numbers are doubles).
]]
local function compare_integer_texts(a, b)
  local a_negative, b_negative = a:sub(1, 1) == '-', b:sub(1, 1) == '-'
  if a_negative ~= b_negative then
    return a_negative and -1 or 1
  end
  local order = 0
  if #a ~= #b then
    order = #a < #b and -1 or 1
  elseif a ~= b then
    order = a < b and -1 or 1
  end
  return a_negative and -order or order
end

local function apply_latest(latest, first, count)
  for t = 0, count - 1 do
    local name = ARGV[first + 3 * t]
    local timestamp = ARGV[first + 3 * t + 1]
    local value = ARGV[first + 3 * t + 2]
    local kept = redis.call('HGET', latest, name)
    local newer = not kept
    if kept then
      local space = string.find(kept, ' ', 1, true)
      local order = compare_integer_texts(timestamp, string.sub(kept, 1, space - 1))
      newer = order > 0 or (order == 0 and tonumber(value) > tonumber(string.sub(kept, space + 1)))
    end
    if newer then
      redis.call('HSET', latest, name, timestamp .. ' ' .. value)
    end
  end
end
