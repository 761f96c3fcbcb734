-- Shared by the wrk scripts: a random seed per wrk thread (one seed would send every request twice).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(seed * 7919 + os.time())
end
