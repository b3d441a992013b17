--[[
  Removes the group's consumers that hold nothing (no pending entry) and have been idle
  longer than ARGV[3] ms: those of agents that are gone. The check and the removal are one
  step, so a consumer is never removed while it holds an entry (XGROUP DELCONSUMER would
  silently drop its pending entries). A live agent's consumer removed while idle and
  empty loses nothing: its next read creates it again.

  KEYS[1] stream
  ARGV[1] group
  ARGV[2] the calling consumer (never removed)
  ARGV[3] min idle ms

  Returns the names of the consumers removed.
]]
local stream, group, self = KEYS[1], ARGV[1], ARGV[2]
local min_idle = tonumber(ARGV[3])
local removed = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local info = {}
  for i = 1, #c, 2 do
    info[c[i]] = c[i + 1]
  end
  if info['name'] ~= self and info['pending'] == 0 and info['idle'] > min_idle then
    redis.call('XGROUP', 'DELCONSUMER', stream, group, info['name'])
    removed[#removed + 1] = info['name']
  end
end
return removed
