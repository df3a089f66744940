-- One sliding-log decision: a port of Window.allowN in ratelimit/window.go,
-- keep them in step.
-- KEYS[1]  a sorted set of the units granted in the last period: score is
--          the grant time in µs of Redis TIME, member "time:seq" (unique,
--          because the set only grows at one instant and seq counts it).
-- ARGV[1]  period, µs; ARGV[2] rate; ARGV[3] cost n (0 peeks), n ≤ rate.
-- Returns {allowed (0|1), remaining, retry_after µs, reset_after µs}.
--
-- Times stay below 2^53 µs, so the doubles Lua uses are exact.
if redis.replicate_commands then
  redis.replicate_commands() -- TIME before a write: replicate effects (Redis < 5)
end

local p = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local n = tonumber(ARGV[3])

local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

-- Units at or before now-p have left the window.
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", string.format("%.0f", now - p))
local count = redis.call("ZCARD", KEYS[1])

local function newest()
  local e = redis.call("ZRANGE", KEYS[1], -1, -1, "WITHSCORES")
  if #e == 0 then
    return nil
  end
  return tonumber(e[2])
end

if count + n <= rate then
  if n > 0 then
    local args = {}
    for i = 1, n do
      args[#args + 1] = string.format("%.0f", now)
      args[#args + 1] = string.format("%.0f:%d", now, count + i)
    end
    redis.call("ZADD", KEYS[1], unpack(args))
    redis.call("PEXPIRE", KEYS[1], math.ceil(p / 1000))
  end
  local reset = 0
  local last = newest()
  if last then
    reset = last + p - now
  end
  return {1, rate - count - n, 0, reset}
end

-- The (count+n-rate)-th oldest unit must leave the window first.
local b = redis.call("ZRANGE", KEYS[1], count + n - rate - 1, count + n - rate - 1, "WITHSCORES")
local retry = tonumber(b[2]) + p - now
local remaining = rate - count
if remaining < 0 then
  remaining = 0
end
return {0, remaining, retry, newest() + p - now}
