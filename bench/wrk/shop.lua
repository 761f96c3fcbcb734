-- Shared by the wrk scripts: the shop written by LoadGenerator --setup-only (token, location, service,
-- first day, then employee ids) and a random seed per wrk thread (one seed would send every request twice).
local shop = { employees = {} }
local lines = {}
for line in io.lines(os.getenv("BENCH_SETUP") or "/tmp/scheduling-bench/shop.txt") do lines[#lines + 1] = line end
shop.token, shop.location, shop.service, shop.first = lines[1], lines[2], lines[3], lines[4]
for i = 5, #lines do shop.employees[#shop.employees + 1] = lines[i] end
local y, m, d = shop.first:match("(%d+)-(%d+)-(%d+)")
shop.base = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })

function shop.day(offset) return os.date("%Y-%m-%d", shop.base + offset * 86400) end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed * 7919 + os.time())
end

return shop
