-- Baseline: the cheapest authenticated endpoint, GET /client/v4/user/tokens/verify (auth, routing,
-- JSON, no store access).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("BENCH_TOKEN")
wrk.method = "GET"
wrk.path = "/client/v4/user/tokens/verify"
wrk.headers["Authorization"] = "Bearer " .. token

done = report.done
