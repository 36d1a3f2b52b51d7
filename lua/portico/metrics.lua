-- Data-plane metrics: log_by_lua counts each request into worker-local tables, a timer adds them to the
-- portico_metrics shared dict every FLUSH_SECONDS (and when the worker exits), and the controller reads the dict
-- back through the configuration endpoint (GET /configuration/metrics) when /metrics is scraped. So a scrape may
-- miss up to FLUSH_SECONDS of requests, which the next one includes.
--
-- Per request this costs a few plain table increments (a shared-dict increment takes a lock and a string key
-- built per request): the labels known at render time (namespace, ingress, service, host) arrive precomputed as
-- one key in $portico_metric_key, and only the method, the status class and each latency's bucket are looked up.
--
-- Dict keys are `<series>|<metric key>[|<extra labels>]`, the metric key being `namespace|ingress|service|host`:
--   r|KEY|METHOD|CLASS   requests
--   d|KEY|I, D|KEY       request duration: count in bucket I (not cumulative), sum of seconds
--   u|KEY|I, U|KEY       upstream response time: the same
--   o|KEY, i|KEY         bytes sent to clients, bytes received from clients
local cjson = require("cjson.safe")

local ngx = ngx
local ngx_var = ngx.var
local ngx_now = ngx.now
local get_method = ngx.req.get_method
local start_time = ngx.req.start_time
local tonumber = tonumber
local ipairs = ipairs
local pairs = pairs
local floor = math.floor
local string_find = string.find
local string_sub = string.sub

local dict = ngx.shared.portico_metrics

-- Upper bounds in seconds; requests slower than the last one count in bucket #BUCKETS + 1 (+Inf).
local BUCKETS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 }
local BUCKET_COUNT = #BUCKETS

-- Methods outside this set count as OTHER: clients choose the method, and every new one would be a new series.
local METHODS = {
  GET = "GET", HEAD = "HEAD", POST = "POST", PUT = "PUT", DELETE = "DELETE",
  PATCH = "PATCH", OPTIONS = "OPTIONS", CONNECT = "CONNECT", TRACE = "TRACE",
}
local STATUS_CLASSES = { "1xx", "2xx", "3xx", "4xx", "5xx" }
local OTHER_CLASS = #STATUS_CLASSES + 1
STATUS_CLASSES[OTHER_CLASS] = "other"

local FLUSH_SECONDS = 1

local _M = {}

-- Counts of this worker not yet in the dict, per metric key: see new_pending for the fields.
local pending = {}

local function new_histogram()
  local counts = {}
  for i = 1, BUCKET_COUNT + 1 do
    counts[i] = 0
  end
  return { counts = counts, sum = 0 }
end

local function new_pending()
  return {
    requests = {}, -- method -> status class index -> count
    duration = new_histogram(),
    upstream = new_histogram(),
    sent = 0,
    received = 0,
  }
end

local function bucket(seconds)
  for i = 1, BUCKET_COUNT do
    if seconds <= BUCKETS[i] then
      return i
    end
  end
  return BUCKET_COUNT + 1
end

local function observe(histogram, seconds)
  local counts = histogram.counts
  local i = bucket(seconds)
  counts[i] = counts[i] + 1
  histogram.sum = histogram.sum + seconds
end

-- "0.004, 0.002" after retries, "-" or nil when no upstream answered: the sum of the numbers.
local function upstream_seconds(value)
  if value == nil then
    return nil
  end
  local single = tonumber(value)
  if single or not string_find(value, ",", 1, true) then
    return single
  end
  local total, start = 0, 1
  while true do
    local comma = string_find(value, ",", start, true)
    total = total + (tonumber(string_sub(value, start, comma and comma - 1)) or 0)
    if not comma then
      return total
    end
    start = comma + 1
  end
end

-- log_by_lua: counts the finished request under the key its location (or server) set.
function _M.log()
  local key = ngx_var.portico_metric_key
  if not key then
    return
  end
  local counts = pending[key]
  if not counts then
    counts = new_pending()
    pending[key] = counts
  end
  local method = METHODS[get_method()] or "OTHER"
  local by_class = counts.requests[method]
  if not by_class then
    by_class = {}
    counts.requests[method] = by_class
  end
  local class = floor(ngx.status / 100)
  if class < 1 or class >= OTHER_CLASS then
    class = OTHER_CLASS
  end
  by_class[class] = (by_class[class] or 0) + 1
  counts.sent = counts.sent + (tonumber(ngx_var.bytes_sent) or 0)
  counts.received = counts.received + (tonumber(ngx_var.request_length) or 0)
  observe(counts.duration, ngx_now() - start_time())
  local upstream = upstream_seconds(ngx_var.upstream_response_time)
  if upstream then
    observe(counts.upstream, upstream)
  end
end

local function add(name, value)
  if value ~= 0 then
    dict:incr(name, value, 0)
  end
end

local function flush_histogram(count_series, sum_series, key, histogram)
  local counts = histogram.counts
  for i = 1, BUCKET_COUNT + 1 do
    add(count_series .. key .. "|" .. i, counts[i])
  end
  add(sum_series .. key, histogram.sum)
end

-- Adds this worker's pending counts to the shared dict (in the dict's key layout above) and starts them over.
local function flush()
  local flushing = pending
  pending = {}
  for key, counts in pairs(flushing) do
    for method, by_class in pairs(counts.requests) do
      for class, count in pairs(by_class) do
        add("r|" .. key .. "|" .. method .. "|" .. STATUS_CLASSES[class], count)
      end
    end
    add("o|" .. key, counts.sent)
    add("i|" .. key, counts.received)
    flush_histogram("d|", "D|", key, counts.duration)
    flush_histogram("u|", "U|", key, counts.upstream)
  end
end

-- init_worker_by_lua: flushes every FLUSH_SECONDS; the timer also runs once, premature, when the worker exits.
function _M.start()
  local ok, err = ngx.timer.every(FLUSH_SECONDS, flush)
  if not ok then
    ngx.log(ngx.ERR, "metrics flush timer not started, data-plane counters stay empty: ", err)
  end
end

-- content_by_lua for GET /configuration/metrics: the bucket bounds and every counter, as JSON.
function _M.export()
  -- This worker's own counts are exact at once; the other workers' arrive within FLUSH_SECONDS.
  flush()
  local counters = {}
  for _, name in ipairs(dict:get_keys(0)) do
    counters[name] = dict:get(name)
  end
  ngx.header["Content-Type"] = "application/json"
  ngx.print(cjson.encode({ buckets = BUCKETS, counters = counters }))
end

return _M
