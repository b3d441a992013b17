--[[
  Appends a producer's batch of messages to the stream, each as one entry with the single
  field m, in order, all in one step; once only, however often the batch is sent again.

  A producer numbers its batches 1, 2, 3, ... (per channel instance, increasing) and sends
  a batch whose append it did not see confirmed (an answer lost with a connection, a
  failover, a WAIT that confirmed too few replicas) again with the same number before
  anything else: when the stream's last recorded number for that producer is already at
  or past it, the batch is there and is not appended again. The record is written by
  every call, a repeat too, so that a WAIT after a repeat waits for a write that comes
  after the first append (a replica has the record only with every entry before it).

  KEYS[1] stream           STREAM of messages (field m)
  KEYS[2] sent             STRING, this producer's last appended batch number
                           (`<stream>:sent:<producer>`), expiring ARGV[2] s after its last batch
  ARGV[1] batch number
  ARGV[2] seconds the record is kept
  ARGV[3 ..] the messages, first received first

  Returns how many entries were appended: all of them, or 0 for a batch already there.
]]
local batch = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local appended = 0
if batch > last then
  for i = 3, #ARGV do
    redis.call('XADD', KEYS[1], '*', 'm', ARGV[i])
  end
  appended = #ARGV - 2
  last = batch
end
redis.call('SET', KEYS[2], last, 'EX', ARGV[2])
return appended
