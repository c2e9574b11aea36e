-- Control plane: PATCH .../instances/{id}/status, pause then resume, over many instances. Each wrk
-- thread owns its own block of instances (<BENCH_PREFIX><thread>-<n>) and walks them in order, pausing all of
-- them, then resuming all of them, and so on; with far more instances per thread than connections,
-- the pause and the resume of one instance are never in flight at once, so every request is a real
-- transition that answers 200 (queued -> paused -> queued on a server that runs no instance).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("BENCH_TOKEN")
local base = os.getenv("BENCH_WORKFLOW_PATH")          -- /client/v4/accounts/A/workflows/W
local per_thread = tonumber(os.getenv("BENCH_INSTANCES_PER_THREAD"))
local prefix = os.getenv("BENCH_PREFIX")
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local pause_body = '{"status":"pause"}'
local resume_body = '{"status":"resume"}'
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

function request()
  local n = counter % per_thread
  local round = math.floor(counter / per_thread)
  counter = counter + 1
  local path = base .. "/instances/" .. prefix .. id .. "-" .. n .. "/status"
  local body = (round % 2 == 0) and pause_body or resume_body
  return wrk.format("PATCH", path, headers, body)
end

done = report.done

-- With BENCH_DEBUG set, the first refusals of each thread are printed (it costs a little speed).
if os.getenv("BENCH_DEBUG") then
  refused = ""
  function response(status, headers, body)
    if status >= 300 and #refused < 2000 then
      refused = refused .. status .. " " .. body:sub(1, 300) .. "\n"
    end
  end
  local summarize = done
  done = function(summary, latency, requests)
    for _, t in ipairs(threads) do
      local r = t:get("refused")
      if r and #r > 0 then io.write("refused in thread ", t:get("id"), ":\n", r) end
    end
    summarize(summary, latency, requests)
  end
end
