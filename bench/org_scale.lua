-- wrk script for bench/org_scale.py. Arguments (after --): MIX TOKENS_FILE DECISIONS ACTIVE
--   MIX        "queue:70,view:20,position:10" (percentages; "healthz:100" for GET /healthz, "me:100" for
--              GET /api/v1/me, an authenticated request that does nothing but check its token)
--   TOKENS_FILE one "token role" per line: every person of every team
--   DECISIONS  decisions per team (a view opens a random one of 1..DECISIONS of the caller's team)
--   ACTIVE     the newest ACTIVE of them are open: a position goes to a random one, from a person whose role
--              may take a position in release (pm, em, designer, tech-lead)
-- Prints one line "RESULT {json}" when done, with the non-2xx answers counted per kind.

local mix, everyone, voices = {}, {}, {}
local decisions, active = 1, 1
local counter = 0

local stances = {
  pm = { { "go" }, { "no-go", "business" }, { "abstain" } },
  em = { { "go" }, { "no-go", "technical" }, { "abstain" } },
  designer = { { "go" }, { "no-go" }, { "abstain" } },
  ["tech-lead"] = { { "go" }, { "no-go", "technical" }, { "abstain" } },
}

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local total = 0
  for kind, share in string.gmatch(args[1] or "healthz:100", "([%a]+):(%d+)") do
    total = total + tonumber(share)
    table.insert(mix, { kind = kind, upto = total })
  end
  if args[2] then
    for line in io.lines(args[2]) do
      local token, role = line:match("^(%S+)%s+(%S+)$")
      if token then
        local person = { token = token, role = role }
        table.insert(everyone, person)
        if stances[role] then
          table.insert(voices, person)
        end
      end
    end
  end
  decisions, active = tonumber(args[3] or "1"), tonumber(args[4] or "1")
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

local function pick_kind()
  local roll = math.random(mix[#mix].upto)
  for _, entry in ipairs(mix) do
    if roll <= entry.upto then
      return entry.kind
    end
  end
  return mix[#mix].kind
end

function request()
  counter = counter + 1
  local kind = pick_kind()
  if kind == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  if kind == "me" then -- the authenticated floor: the token check, and nothing else
    local person = everyone[math.random(#everyone)]
    return wrk.format("GET", "/api/v1/me", { ["Authorization"] = "Bearer " .. person.token })
  end
  if kind == "queue" then
    local person = everyone[math.random(#everyone)]
    return wrk.format("GET", "/api/v1/queue?limit=50", { ["Authorization"] = "Bearer " .. person.token })
  end
  if kind == "view" then
    local person = everyone[math.random(#everyone)]
    local number = math.random(1, decisions)
    return wrk.format("GET", "/api/v1/decisions/" .. number, { ["Authorization"] = "Bearer " .. person.token })
  end
  local person = voices[math.random(#voices)]
  local choices = stances[person.role]
  local choice = choices[math.random(#choices)]
  local body = '{"stance":"' .. choice[1] .. '","reason":"load ' .. (thread_id or 0) .. "-" .. counter .. '"'
  if choice[2] then
    body = body .. ',"basis":"' .. choice[2] .. '"'
  end
  body = body .. "}"
  local headers = { ["Authorization"] = "Bearer " .. person.token, ["Content-Type"] = "application/json" }
  local number = math.random(decisions - active + 1, decisions)
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
