--[[
  Delivers up to ARGV[3] new entries of the stream to this consumer of the group
  (XREADGROUP, without blocking: a script cannot block), within a byte budget. They stay
  pending for this consumer, by the server's clock, until acknowledged.

  An entry over ARGV[4] bytes, or not written by a Kadabra client, is moved to the
  dead-letter list whole and acknowledged without being returned (dead_letter_entry,
  from shared/stream-helpers.lua). When a budget ARGV[5] applies and the maximum size does
  not already bound the batch within it, the entries after the group's last-delivered id
  are looked at first (XRANGE), so that only those within the budget are delivered:
  the batch stops before the entry that would take it over, and always holds one.

  KEYS[1] stream           STREAM of messages (field m)
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] consumer
  ARGV[3] max messages
  ARGV[4] max bytes of one message (0: no limit)
  ARGV[5] max bytes of the batch (0: no limit)

  Returns {server time in ms, entries dead-lettered, the dead-letter list's length after
  the last of them, the size of the last of them, id, message, id, message, ...}, oldest first.
]]
local stream, dead, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local max = tonumber(ARGV[3])
local max_message = tonumber(ARGV[4])
local max_batch = tonumber(ARGV[5])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if max <= 0 then
  return out
end

local function last_delivered_id()
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local name, last
    for i = 1, #g, 2 do
      if g[i] == 'name' then
        name = g[i + 1]
      elseif g[i] == 'last-delivered-id' then
        last = g[i + 1]
      end
    end
    if name == group then
      return last
    end
  end
  return redis.error_reply('NOGROUP no consumer group ' .. group .. ' on ' .. stream)
end

-- How many of the next entries fit the budget (those to be dead-lettered cost nothing).
local function fitting_count()
  local last = last_delivered_id()
  if type(last) == 'table' then
    return last
  end
  local entries = redis.call('XRANGE', stream, '(' .. last, '+', 'COUNT', max)
  local count, taken, bytes = 0, 0, 0
  for _, entry in ipairs(entries) do
    local message = check_entry(entry[2], max_message)
    if message then
      if taken > 0 and bytes + #message > max_batch then
        break
      end
      taken = taken + 1
      bytes = bytes + #message
    end
    count = count + 1
  end
  return count
end

local count = max
if max_batch > 0 and not (max_message > 0 and max * max_message <= max_batch) then
  count = fitting_count()
  if type(count) == 'table' then
    return count
  end
  if count == 0 then
    return out
  end
end

local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>')
if not reply then
  return out
end
for _, entry in ipairs(reply[1][2]) do
  local id, fields = entry[1], entry[2]
  local message, reason = check_entry(fields, max_message)
  if message then
    out[#out + 1] = id
    out[#out + 1] = message
  else
    dead_letter_entry(out, stream, group, dead, id, fields, reason, now_ms)
  end
end
return out
