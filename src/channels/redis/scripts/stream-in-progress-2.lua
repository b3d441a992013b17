--[[
  Lists up to ARGV[2] entries pending in the group (delivered to some consumer, not yet
  acknowledged), lowest id first, with how long since each was last delivered by the
  server's clock (XPENDING's idle time), within a byte budget. Nothing is claimed.

  An entry over ARGV[3] bytes (left pending by an agent without that limit), or not
  written by a Kadabra client, is moved to the dead-letter list whole without being
  returned (dead_letter_entry, shared/stream-helpers.lua). A pending id whose entry is gone
  from the stream (deleted by something else) is acknowledged: there is nothing to publish.
  The listing stops before the entry that would take it over ARGV[4] bytes; the first one
  is always listed.

  KEYS[1] stream           STREAM of messages (field m)
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] limit
  ARGV[3] max bytes of one message (0: no limit)
  ARGV[4] max bytes of the listing (0: no limit)

  Returns {server time in ms, entries dead-lettered, the dead-letter list's length after
  the last of them, the size of the last of them, id, message, idle ms, ...}
]]
local stream, dead, group = KEYS[1], KEYS[2], ARGV[1]
local limit = tonumber(ARGV[2])
local max_message = tonumber(ARGV[3])
local max_batch = tonumber(ARGV[4])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if limit <= 0 then
  return out
end

local listed, bytes = 0, 0
for _, pending in ipairs(redis.call('XPENDING', stream, group, '-', '+', limit)) do
  local id, idle = pending[1], pending[3]
  local entry = redis.call('XRANGE', stream, id, id)[1]
  if not entry then
    redis.call('XACK', stream, group, id)
  else
    local message, reason = check_entry(entry[2], max_message)
    if not message then
      dead_letter_entry(out, stream, group, dead, id, entry[2], reason, now_ms)
    else
      if listed > 0 and max_batch > 0 and bytes + #message > max_batch then
        break
      end
      listed = listed + 1
      bytes = bytes + #message
      out[#out + 1] = id
      out[#out + 1] = message
      out[#out + 1] = idle
    end
  end
end
return out
