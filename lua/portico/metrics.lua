-- Data-plane metrics: log_by_lua counts each request into the portico_metrics shared dict, and the controller
-- reads the dict back through the configuration endpoint (GET /configuration/metrics) when /metrics is scraped.
--
-- Per request this costs a handful of shared-dict increments and string concatenations: the labels known at
-- render time (namespace, ingress, service, host) arrive precomputed as one key in $portico_metric_key, and
-- only the method, the status class and the bucket of each latency are looked up here.
--
-- Dict keys are `<series>|<metric key>[|<extra labels>]`, the metric key being `namespace|ingress|service|host`:
--   r|KEY|METHOD|CLASS   requests
--   d|KEY|I, D|KEY       request duration: count in bucket I (not cumulative), sum of seconds
--   u|KEY|I, U|KEY       upstream response time: the same
--   o|KEY, i|KEY         bytes sent to clients, bytes received from clients
local cjson = require("cjson.safe")

local ngx = ngx
local tonumber = tonumber
local ipairs = ipairs
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

local _M = {}

local function bucket(seconds)
  for i = 1, BUCKET_COUNT do
    if seconds <= BUCKETS[i] then
      return i
    end
  end
  return BUCKET_COUNT + 1
end

local function observe(count_series, sum_series, key, seconds)
  dict:incr(count_series .. key .. "|" .. bucket(seconds), 1, 0)
  dict:incr(sum_series .. key, seconds, 0)
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
  local var = ngx.var
  local key = var.portico_metric_key
  if not key then
    return
  end
  local method = METHODS[ngx.req.get_method()] or "OTHER"
  local class = STATUS_CLASSES[floor(ngx.status / 100)] or "other"
  dict:incr("r|" .. key .. "|" .. method .. "|" .. class, 1, 0)
  dict:incr("o|" .. key, tonumber(var.bytes_sent) or 0, 0)
  dict:incr("i|" .. key, tonumber(var.request_length) or 0, 0)
  observe("d|", "D|", key, ngx.now() - ngx.req.start_time())
  local upstream = upstream_seconds(var.upstream_response_time)
  if upstream then
    observe("u|", "U|", key, upstream)
  end
end

-- content_by_lua for GET /configuration/metrics: the bucket bounds and every counter, as JSON.
function _M.export()
  local counters = {}
  for _, name in ipairs(dict:get_keys(0)) do
    counters[name] = dict:get(name)
  end
  ngx.header["Content-Type"] = "application/json"
  ngx.print(cjson.encode({ buckets = BUCKETS, counters = counters }))
end

return _M
