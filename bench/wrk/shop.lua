-- Shared by the wrk scripts: the shop written by LoadGenerator --setup-only (token, location, service,
-- first day, then employee ids), with a random seed per wrk thread (threads.lua).
local shop = { employees = {} }
local lines = {}
for line in io.lines(os.getenv("BENCH_SETUP") or "/tmp/scheduling-bench/shop.txt") do lines[#lines + 1] = line end
shop.token, shop.location, shop.service, shop.first = lines[1], lines[2], lines[3], lines[4]
for i = 5, #lines do shop.employees[#shop.employees + 1] = lines[i] end
local y, m, d = shop.first:match("(%d+)-(%d+)-(%d+)")
shop.base = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })

function shop.day(offset) return os.date("%Y-%m-%d", shop.base + offset * 86400) end

dofile("bench/wrk/threads.lua")

return shop
