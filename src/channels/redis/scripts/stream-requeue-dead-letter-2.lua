--[[
  Puts one dead letter back on the stream as a new entry: removes the record and appends
  the message in one step, so two requeues running at once never both append it.

  KEYS[1] dead             LIST of dead-letter records
  KEYS[2] stream           STREAM of messages
  ARGV[1] the record, exactly as stored
  ARGV[2] the message bytes it holds

  Returns 1 when the record was there and the message was appended, 0 when another
  requeue (or a purge) took it first.
]]
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then
  return 0
end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[2])
return 1
