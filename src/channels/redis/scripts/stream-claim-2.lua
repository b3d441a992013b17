--[[
  The nanny's claim: entries pending in the group and idle longer than ARGV[3] ms by the
  server's clock (their consumer's agent died, or its publish failed) are claimed by this
  consumer (XCLAIM: ownership moves, idle time restarts, delivery count goes up), so the
  nanny of another agent does not take them too. Looked up lowest id first with
  XPENDING ... IDLE, which gives each one's delivery history: the consumer that held it,
  how long it has been idle and how often it was delivered.

  An entry already delivered ARGV[5] times (AGENT_MAX_DELIVERIES) is not delivered again:
  it is moved to the dead-letter list whole, with that history, so a message that crashes
  agents cannot crash them forever. An entry over ARGV[6] bytes, or not written by a
  Kadabra client, is dead-lettered unread too (dead_letter_entry,
  shared/stream-helpers.lua). Claiming stops before the entry that would take the claim
  over ARGV[7] bytes; the first one is always claimed.

  KEYS[1] stream           STREAM of messages (field m)
  KEYS[2] dead             LIST of dead-letter records, newest at the head
  ARGV[1] group
  ARGV[2] consumer that claims
  ARGV[3] min idle ms
  ARGV[4] limit
  ARGV[5] max deliveries
  ARGV[6] max bytes of one message (0: no limit)
  ARGV[7] max bytes of the claim (0: no limit)

  Returns {server time in ms, entries dead-lettered, the dead-letter list's length after
  the last of them, the size of the last of them, id, message, idle ms before the claim, ...}
]]
local stream, dead, group, consumer = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
local min_idle = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local max_deliveries = tonumber(ARGV[5])
local max_message = tonumber(ARGV[6])
local max_batch = tonumber(ARGV[7])
local now_ms = server_now_ms()
local out = {now_ms, 0, 0, 0}
if limit <= 0 then
  return out
end

local claimed, bytes = 0, 0
for _, pending in ipairs(redis.call('XPENDING', stream, group, 'IDLE', min_idle, '-', '+', limit)) do
  local id, owner, idle, deliveries = pending[1], pending[2], pending[3], pending[4]
  local entry = redis.call('XRANGE', stream, id, id)[1]
  if not entry then
    redis.call('XACK', stream, group, id)
  elseif deliveries >= max_deliveries then
    local reason = 'delivered ' .. deliveries .. ' times without being completed, the most AGENT_MAX_DELIVERIES (' ..
      max_deliveries .. ') allows; last held by consumer ' .. owner .. ', idle ' .. idle .. ' ms'
    dead_letter_entry(out, stream, group, dead, id, entry[2], reason, now_ms,
      {deliveries = deliveries, consumer = owner, idle_ms = idle})
  else
    local message, reason = check_entry(entry[2], max_message)
    if not message then
      dead_letter_entry(out, stream, group, dead, id, entry[2], reason, now_ms)
    else
      if claimed > 0 and max_batch > 0 and bytes + #message > max_batch then
        break
      end
      -- Without JUSTID, which would leave the delivery count as it is.
      redis.call('XCLAIM', stream, group, consumer, min_idle, id)
      claimed = claimed + 1
      bytes = bytes + #message
      out[#out + 1] = id
      out[#out + 1] = message
      out[#out + 1] = idle
    end
  end
end
return out
