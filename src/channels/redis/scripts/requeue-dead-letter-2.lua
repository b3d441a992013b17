--[[
  Puts one dead letter back on the queue: removes the record and pushes the message in
  one step, so two requeues running at once never both push it.

  KEYS[1] dead             LIST of dead-letter records (JSON)
  KEYS[2] queue            LIST of pending messages
  ARGV[1] the record, exactly as stored
  ARGV[2] the message bytes it holds

  Returns 1 when the record was there and the message was queued, 0 when another
  requeue (or a purge) took it first.
]]
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then
  return 0
end
redis.call('LPUSH', KEYS[2], ARGV[2])
return 1
