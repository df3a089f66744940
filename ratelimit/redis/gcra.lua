-- One GCRA decision: a port of gcra in ratelimit/gcra.go, keep them in step.
-- KEYS[1]  the key; its value is the theoretical arrival time (TAT) in
--          microseconds of Redis TIME, and it expires when the TAT passes.
-- ARGV[1]  emission interval, µs; ARGV[2] burst; ARGV[3] cost n (0 peeks).
-- Returns {allowed (0|1), remaining, retry_after µs, reset_after µs}.
--
-- Lua numbers are doubles: every value stays below 2^53 µs (Limit.Validate
-- caps interval*burst at 100 years), so the arithmetic is exact.
if redis.replicate_commands then
  redis.replicate_commands() -- TIME before a write: replicate effects (Redis < 5)
end

local interval = tonumber(ARGV[1])
local tol = interval * tonumber(ARGV[2])
local n = tonumber(ARGV[3])

local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local tat = now
local stored = redis.call("GET", KEYS[1])
if stored then
  stored = tonumber(stored)
  if not stored then
    return redis.error_reply("ratelimit: key does not hold a timestamp")
  end
  if stored > now then
    tat = stored
  end
end

local function remaining(at)
  local d = now + tol - at
  if d <= 0 then
    return 0
  end
  return math.floor(d / interval)
end

local new_tat = tat + n * interval
local allow_at = new_tat - tol
if now < allow_at then
  return {0, remaining(tat), allow_at - now, tat - now}
end
if n > 0 then
  -- "%.0f": tostring would print 14 significant digits and lose µs.
  redis.call("SET", KEYS[1], string.format("%.0f", new_tat),
    "PX", math.ceil((new_tat - now) / 1000))
end
return {1, remaining(new_tat), 0, new_tat - now}
