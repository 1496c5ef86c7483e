-- wrk script: POST /api/billing/report_usage with a unique Idempotency-Key per request.
-- TOKEN comes from the environment; each thread numbers its own keys.
local threads = {}
counter = 0

function setup(thread)
  thread:set("prefix", "t" .. #threads .. "-" .. os.time())
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/billing/report_usage", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Idempotency-Key"] = prefix .. "-" .. counter,
  }, '{"quantity":1}')
end
