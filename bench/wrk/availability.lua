-- wrk script: GET /availability for a random employee and day of the shop set up by
-- LoadGenerator --setup-only (file: token, location, service, first day, then employee ids).
local lines = {}
for line in io.lines(os.getenv("BENCH_SETUP") or "/tmp/scheduling-bench/shop.txt") do lines[#lines + 1] = line end
local token, location, service, first = lines[1], lines[2], lines[3], lines[4]
local employees = {}
for i = 5, #lines do employees[#employees + 1] = lines[i] end
local y, m, d = first:match("(%d+)-(%d+)-(%d+)")
local base = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed * 7919 + os.time())
end

request = function()
  local day = os.date("%Y-%m-%d", base + math.random(0, 27) * 86400)
  local employee = employees[math.random(#employees)]
  return wrk.format("GET", "/api/v2/availability?service_id=" .. service .. "&location_id=" .. location
    .. "&provider_id=" .. employee .. "&start_date=" .. day .. "&t=daily&return=times&session_token=" .. token)
end
