-- wrk script: POST /appointment at a random half hour of a random employee and day of the next year (run from
-- the repository root). BENCH_CONTENTION=1 makes every request fight for the same 10 slots of the first employee.
local shop = dofile("bench/wrk/shop.lua")
local contention = os.getenv("BENCH_CONTENTION") == "1"

request = function()
  local employee, day, slot
  if contention then
    employee, day, slot = shop.employees[1], shop.day(0), math.random(0, 9)
  else
    employee, day, slot = shop.employees[math.random(#shop.employees)], shop.day(math.random(0, 363)), math.random(0, 19)
  end
  local minute = 8 * 60 + slot * 30
  local body = string.format('{"employee_id":%s,"location_id":%s,"service_id":%s,"start_date":"%s %02d:%02d","client_name":"Client","client_email":"c%d@bench.example"}',
    employee, shop.location, shop.service, day, math.floor(minute / 60), minute % 60, math.random(0, 4999))
  return wrk.format("POST", "/api/v2/appointment?session_token=" .. shop.token, { ["Content-Type"] = "application/json" }, body)
end
