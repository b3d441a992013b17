--[[
  Functions shared by the scripts that hand messages to an agent (receive-batch and
  in-progress): redis-scripts.ts puts this text in front of each of them when it loads
  them (a Redis script cannot include another), so both read the clock and dead-letter
  an oversized message the same way.

  server_now_ms() is the Redis server's clock in ms since the epoch: what "stuck" is
  judged by, never a process's clock.

  dead_letter_unread(out, dead, m, max_message, now_ms) moves the message m, longer than
  max_message bytes, to the dead-letter LIST dead without any agent reading it: whole,
  after a one-line JSON header (the reason, the time, its length, encoding "raw") and a
  newline. It updates the script's reply `out` = {server ms, messages dead-lettered, the
  dead-letter list's length after the last of them, the size of the last of them, ...}.
]]
local function server_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function dead_letter_unread(out, dead, m, max_message, now_ms)
  local size = #m
  local header = cjson.encode({
    reason = 'message of ' .. size .. ' bytes is over the maximum of ' .. max_message ..
      ' bytes (AGENT_MESSAGE_MAX_BYTES); it was moved here without being read',
    time_ms = now_ms, bytes = size, encoding = 'raw',
  })
  out[2] = out[2] + 1
  out[3] = redis.call('LPUSH', dead, header .. '\n' .. m)
  out[4] = size
end
