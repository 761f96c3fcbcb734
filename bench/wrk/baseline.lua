-- wrk script for bench/Baseline (the classic design), the same shapes as bookings.lua and availability.lua:
-- BASELINE_SCENARIO=json (bare Kestrel), book (a random half hour of 1,000 employees over a year) or
-- slots (a random employee's free half hours on one of the 28 days that hold its appointments). Run from the
-- repository root.
local scenario = os.getenv("BASELINE_SCENARIO") or "json"
local today = os.time({ year = tonumber(os.date("!%Y")), month = tonumber(os.date("!%m")), day = tonumber(os.date("!%d")), hour = 12 })
local function day(offset) return os.date("%Y-%m-%d", today + offset * 86400) end
dofile("bench/wrk/threads.lua")

request = function()
  if scenario == "book" then
    local body = string.format('{"employee_id":%d,"day":"%s","slot":%d,"client_email":"c%d@bench.example"}',
      math.random(1, 1000), day(math.random(0, 363)), math.random(0, 19), math.random(0, 4999))
    return wrk.format("POST", "/book", { ["Content-Type"] = "application/json" }, body)
  elseif scenario == "slots" then
    return wrk.format("GET", string.format("/slots?employeeId=%d&day=%s", math.random(1, 1000), day(math.random(0, 27))))
  end
  return wrk.format("GET", "/json")
end
