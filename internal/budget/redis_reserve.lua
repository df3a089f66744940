-- Reserve one amount against every budget of a request, all or none.
-- Keep in step with Redis.Reserve in redis.go.
--
-- For budget i (1-based):
--   KEYS[2i-1]  hash: "spent" (committed this period, µ$), "held" (sum of
--               the open holds), and "h:<hold id>" = the hold's amount
--   KEYS[2i]    sorted set: hold id scored by its expiry (µs)
-- ARGV[1] now (µs, the caller's clock)   ARGV[2] amount (µ$)
-- ARGV[3] hold id                         ARGV[4] hold expiry (µs)
-- ARGV[5] number of budgets n; then per budget i, from 5+3(i-1)+1:
--   cap (µ$), key TTL (ms), seed: the database's spend for the period, or
--   "-" when the caller has not read it
-- Returns {1} when held; {0, i, spent, held} when budget i cannot cover
-- amount (nothing is held); {-1, i, ...} listing the budgets whose counter
-- is not in Redis and that came without a seed (nothing is held).
--
-- Amounts stay far below 2^53, so the doubles Lua uses are exact; the
-- counters themselves are changed with HINCRBY, in integers.
local now = ARGV[1]
local amount = ARGV[2]
local id = ARGV[3]
local expiry = ARGV[4]
local n = tonumber(ARGV[5])

local spent, held, missing = {}, {}, {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local base = 5 + 3 * (i - 1)
  -- Holds whose lease ran out were left by a process that died (or a
  -- request that outlived the lease): they hold nothing any more.
  local gone = redis.call("ZRANGEBYSCORE", z, "-inf", now, "LIMIT", 0, 256)
  for _, hid in ipairs(gone) do
    local a = redis.call("HGET", h, "h:" .. hid)
    if a then
      if a ~= "0" then
        redis.call("HINCRBY", h, "held", "-" .. a) -- never "-0", which Redis rejects
      end
      redis.call("HDEL", h, "h:" .. hid)
    end
    redis.call("ZREM", z, hid)
  end
  local seed = ARGV[base + 3]
  if seed ~= "-" then
    -- The first seeder wins; every other saw the same database.
    if redis.call("HSETNX", h, "spent", seed) == 1 then
      redis.call("PEXPIRE", h, ARGV[base + 2])
    end
  end
  local v = redis.call("HMGET", h, "spent", "held")
  if not v[1] then
    missing[#missing + 1] = i
  else
    spent[i] = tonumber(v[1])
    held[i] = tonumber(v[2] or "0")
  end
end
if #missing > 0 then
  local r = {-1}
  for _, i in ipairs(missing) do
    r[#r + 1] = i
  end
  return r
end

local a = tonumber(amount)
for i = 1, n do
  local cap = tonumber(ARGV[5 + 3 * (i - 1) + 1])
  if spent[i] + held[i] + a > cap then
    return {0, i, spent[i], held[i]}
  end
end

for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local ttl = ARGV[5 + 3 * (i - 1) + 2]
  redis.call("HINCRBY", h, "held", amount)
  redis.call("HSET", h, "h:" .. id, amount)
  redis.call("ZADD", z, expiry, id)
  redis.call("PEXPIRE", h, ttl)
  redis.call("PEXPIRE", z, ttl)
end
return {1}
