-- Scale: one page of a filtered instance list (status, newest first, 50 per page).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

wrk.method = "GET"
wrk.path = os.getenv("BENCH_WORKFLOW_PATH") .. "/instances?status=queued&direction=desc&per_page=50"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

done = report.done
