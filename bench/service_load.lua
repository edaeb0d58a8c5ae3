-- wrk script for bench/service_load.py. Arguments (after --): MODE TOKENS_FILE FIRST LAST
--   MODE healthz   GET /healthz
--   MODE queue     GET /api/v1/queue?limit=50 as a random person of TOKENS_FILE
--   MODE position  POST /api/v1/decisions/N/positions, N random in FIRST..LAST, as a random person, with a
--                  stance (and basis) that person's role may give
-- TOKENS_FILE: one "token role" per line. Prints one line "RESULT {json}" when done.

local mode, people, first, last = "healthz", {}, 1, 1
local counter = 0

local stances = {
  pm = { { "go" }, { "no-go", "business" }, { "no-go", "market" }, { "no-go", "technical" }, { "abstain" } },
  em = { { "go" }, { "no-go", "technical" }, { "no-go", "safety" }, { "abstain" } },
  designer = { { "go" }, { "no-go" }, { "abstain" } },
  ["tech-lead"] = { { "go" }, { "no-go", "technical" }, { "abstain" } },
}

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "healthz"
  if args[2] then
    for line in io.lines(args[2]) do
      local token, role = line:match("^(%S+)%s+(%S+)$")
      if token then
        table.insert(people, { token = token, role = role })
      end
    end
  end
  first, last = tonumber(args[3] or "1"), tonumber(args[4] or "1")
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
  counter = counter + 1
  if mode == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  local person = people[math.random(#people)]
  local headers = { ["Authorization"] = "Bearer " .. person.token }
  if mode == "queue" then
    return wrk.format("GET", "/api/v1/queue?limit=50", headers)
  end
  local choices = stances[person.role]
  local pick = choices[math.random(#choices)]
  local body = '{"stance":"' .. pick[1] .. '","reason":"load ' .. (thread_id or 0) .. "-" .. counter .. '"'
  if pick[2] then
    body = body .. ',"basis":"' .. pick[2] .. '"'
  end
  body = body .. "}"
  headers["Content-Type"] = "application/json"
  local number = math.random(first, last)
  return wrk.format("POST", "/api/v1/decisions/" .. number .. "/positions", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
