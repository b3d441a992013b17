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

--[[
  apply_changes(first_key, first_arg, count) applies a completion's `count` publisher
  state changes in a completing script (loaded in front of it by redis-scripts.ts).
  Change c (from 0) has its totals in the HASH KEYS[first_key + 2c] and its values set
  if newer in the HASH KEYS[first_key + 2c + 1]; from ARGV[first_arg], each change is
  m, g, then m pairs (total name, integer amount) and g triples (name, timestamp, value).
  Every total of every change is added with HINCRBY first; one that fails (it would
  overflow 64 bits) restores all those already added, in every change, and the function
  returns the error reply for the script to return before it changes anything else.
  Then the values are kept (apply_latest), and it returns nil.
]]
local function apply_changes(first_key, first_arg, count)
  local added_before = {}
  local latest = {}
  local arg = first_arg
  for c = 0, count - 1 do
    local state = KEYS[first_key + 2 * c]
    local totals = tonumber(ARGV[arg])
    local sets = tonumber(ARGV[arg + 1])
    arg = arg + 2
    for t = 0, totals - 1 do
      local name = ARGV[arg + 2 * t]
      local before = redis.call('HGET', state, name) or false
      local added = redis.pcall('HINCRBY', state, name, ARGV[arg + 2 * t + 1])
      if type(added) == 'table' and added.err then
        for u = #added_before, 1, -1 do
          local undo = added_before[u]
          if undo[3] then
            redis.call('HSET', undo[1], undo[2], undo[3])
          else
            redis.call('HDEL', undo[1], undo[2])
          end
        end
        return redis.error_reply('state total ' .. name .. ': ' .. added.err)
      end
      added_before[#added_before + 1] = { state, name, before }
    end
    arg = arg + 2 * totals
    latest[#latest + 1] = { KEYS[first_key + 2 * c + 1], arg, sets }
    arg = arg + 3 * sets
  end
  for _, values in ipairs(latest) do
    apply_latest(values[1], values[2], values[3])
  end
  return nil
end
