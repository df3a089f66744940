-- Concurrency slots as leases. Keep in step with Concurrency in
-- concurrency.go.
-- KEYS[1]  a sorted set of the slots taken: member a slot id, score the
--          end of its lease in ms of Redis TIME.
-- ARGV[1]  "acquire", "renew" or "release"; ARGV[2] slot id;
-- ARGV[3]  lease, ms; ARGV[4] max slots (acquire).
-- Returns 1 when the slot is taken (acquire) or still held (renew), else 0.
if redis.replicate_commands then
  redis.replicate_commands() -- TIME before a write: replicate effects (Redis < 5)
end

local op, id = ARGV[1], ARGV[2]
if op == "release" then
  return redis.call("ZREM", KEYS[1], id)
end

local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
-- Leases that ran out were held by a process that stopped renewing them.
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if op == "renew" then
  if not redis.call("ZSCORE", KEYS[1], id) then
    return 0
  end
elseif redis.call("ZCARD", KEYS[1]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call("ZADD", KEYS[1], now + lease, id)
redis.call("PEXPIRE", KEYS[1], lease)
return 1
