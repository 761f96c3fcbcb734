-- wrk script: GET /availability for a random employee and day (run from the repository root).
local shop = dofile("bench/wrk/shop.lua")

request = function()
  local employee = shop.employees[math.random(#shop.employees)]
  return wrk.format("GET", "/api/v2/availability?service_id=" .. shop.service .. "&location_id=" .. shop.location
    .. "&provider_id=" .. employee .. "&start_date=" .. shop.day(math.random(0, 27)) .. "&t=daily&return=times&session_token=" .. shop.token)
end
