-- Scale: GET one instance, chosen at random among BENCH_COUNT ids <BENCH_PREFIX><n>.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("BENCH_TOKEN")
local base = os.getenv("BENCH_WORKFLOW_PATH")
local prefix = os.getenv("BENCH_PREFIX")
local count = tonumber(os.getenv("BENCH_COUNT"))
local headers = { ["Authorization"] = "Bearer " .. token }

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("GET", base .. "/instances/" .. prefix .. math.random(0, count - 1), headers)
end

done = report.done
