-- Settle one hold on every budget it was taken on. Keep in step with
-- Redis.settle in redis.go.
--
-- KEYS as in redis_reserve.lua, for the hold's budgets.
-- ARGV[1] hold id   ARGV[2] actual cost (µ$)   ARGV[3] "commit" or "release"
-- ARGV[4] "1" to add the cost even where the hold is gone (its lease ran
--         out while the request still ran: the money was spent all the same)
-- Returns 1 if the hold was found on any budget, else 0.
--
-- A counter not in Redis (expired after its period, or lost with a Redis
-- restart) is left alone: the database has the spend, and the next
-- reservation seeds the counter from it.
local id = ARGV[1]
local found = 0
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local a = redis.call("HGET", h, "h:" .. id)
  if a then
    if a ~= "0" then
      redis.call("HINCRBY", h, "held", "-" .. a) -- never "-0", which Redis rejects
    end
    redis.call("HDEL", h, "h:" .. id)
    redis.call("ZREM", z, id)
    found = 1
  end
end
if ARGV[3] == "commit" and (found == 1 or ARGV[4] == "1") and ARGV[2] ~= "0" then
  for i = 1, #KEYS / 2 do
    local h = KEYS[2 * i - 1]
    if redis.call("HEXISTS", h, "spent") == 1 then
      redis.call("HINCRBY", h, "spent", ARGV[2])
    end
  end
end
return found
