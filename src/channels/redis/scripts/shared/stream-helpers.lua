--[[
  Functions shared by the Redis Streams channel's scripts (redis-scripts.ts puts this
  text, after receive-helpers.lua, in front of each of them).

  An entry a Kadabra client wrote has exactly one field, `m`, holding the message bytes.

  entry_bytes(fields) is the size of an entry: the length of `m` for a Kadabra entry, else
  of every field name and value together.

  check_entry(fields, max_message, fate) is the message of a Kadabra entry within
  max_message bytes (0: no limit), or nil and a dead-letter reason for one over it or not
  written by a Kadabra client. `fate` ends the reason of one over the limit (default: it
  was moved without being read).

  dead_letter_entry(out, stream, group, dead, id, fields, reason, now_ms, extra) moves the
  entry to the dead-letter LIST `dead` whole, unread by any agent: a one-line JSON header
  (the reason, the time, its size, its entry id, `encoding: "raw"`, and the fields of the
  table `extra`), a newline, then the message bytes (for a foreign entry, its fields as
  JSON). It is acknowledged and deleted from the stream, and `out` (the reply of the
  receive, in-progress and claim scripts) counts it: {server ms, dead-lettered, dead-letter
  list length, size of the last dead-lettered, ...}.
]]
local function entry_bytes(fields)
  if #fields == 2 and fields[1] == 'm' then
    return #fields[2]
  end
  local size = 0
  for i = 1, #fields do
    size = size + #fields[i]
  end
  return size
end

local function check_entry(fields, max_message, fate)
  local size = entry_bytes(fields)
  if max_message > 0 and size > max_message then
    return nil, 'message of ' .. size .. ' bytes is over the maximum of ' .. max_message ..
      ' bytes (AGENT_MESSAGE_MAX_BYTES); ' .. (fate or 'it was moved here without being read')
  end
  if #fields ~= 2 or fields[1] ~= 'm' then
    return nil, 'stream entry not written by a Kadabra client (it must have exactly one field, m, holding the message): ' ..
      'its fields are kept here as JSON'
  end
  return fields[2], nil
end

local function dead_letter_entry(out, stream, group, dead, id, fields, reason, now_ms, extra)
  local message
  if #fields == 2 and fields[1] == 'm' then
    message = fields[2]
  else
    message = cjson.encode(fields)
  end
  local header = {reason = reason, time_ms = now_ms, bytes = #message, encoding = 'raw', id = id}
  for k, v in pairs(extra or {}) do
    header[k] = v
  end
  out[2] = out[2] + 1
  out[3] = redis.call('LPUSH', dead, cjson.encode(header) .. '\n' .. message)
  out[4] = #message
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
end
