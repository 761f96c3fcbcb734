-- wrk script: POST /appointment at a random half hour of a random employee and day of the shop set up by
-- LoadGenerator --setup-only (1,000 employees: bookings spread thin, little contention).
-- BENCH_CONTENTION=1 makes every request fight for the same 10 slots of the first employee.
local lines = {}
for line in io.lines(os.getenv("BENCH_SETUP") or "/tmp/scheduling-bench/shop.txt") do lines[#lines + 1] = line end
local token, location, service, first = lines[1], lines[2], lines[3], lines[4]
local employees = {}
for i = 5, #lines do employees[#employees + 1] = lines[i] end
local y, m, d = first:match("(%d+)-(%d+)-(%d+)")
local base = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })
local contention = os.getenv("BENCH_CONTENTION") == "1"

-- Each wrk thread gets its own random sequence (the same seed would send every request twice).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed * 7919 + os.time())
end

request = function()
  local employee, day, slot
  if contention then
    employee, day, slot = employees[1], os.date("%Y-%m-%d", base), math.random(0, 9)
  else
    employee, day, slot = employees[math.random(#employees)], os.date("%Y-%m-%d", base + math.random(0, 27) * 86400), math.random(0, 19)
  end
  local minute = 8 * 60 + slot * 30
  local body = string.format('{"employee_id":%s,"location_id":%s,"service_id":%s,"start_date":"%s %02d:%02d","client_name":"Client","client_email":"c%d@bench.example"}',
    employee, location, service, day, math.floor(minute / 60), minute % 60, math.random(0, 4999))
  return wrk.format("POST", "/api/v2/appointment?session_token=" .. token, { ["Content-Type"] = "application/json" }, body)
end
