-- wrk script: POST /api/billing/report_usage/batch with 1,000 reports, each with a unique key.
local threads = {}
counter = 0

function setup(thread)
  thread:set("prefix", "b" .. #threads .. "-" .. os.time())
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 1000 do
    parts[i] = '{"quantity":1,"idempotency_key":"' .. prefix .. "-" .. counter .. "-" .. i .. '"}'
  end
  return wrk.format("POST", "/api/billing/report_usage/batch", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  }, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
