-- EWMA (`load-balance: ewma`): of two endpoints picked at random, the one whose responses were faster lately.
-- Each worker keeps its own averages, fed by balancer.log() after every response. An average decays towards
-- zero while its endpoint gets no traffic, so a once-slow endpoint is tried again after a while.
local ngx_now = ngx.now
local random = math.random
local exp = math.exp
local setmetatable = setmetatable

-- Seconds over which an old response time loses most of its weight.
local DECAY_SECONDS = 10

local _M = {}
local mt = { __index = _M }

-- previous: this backend's instance before its endpoints changed, whose averages are kept (keyed by address).
function _M.new(backend, previous)
  local endpoints = backend.endpoints
  local keys = {}
  for i, endpoint in ipairs(endpoints) do
    keys[i] = endpoint.address .. ":" .. endpoint.port
  end
  local stats = previous and previous.stats or {}
  return setmetatable({ endpoints = endpoints, keys = keys, stats = stats }, mt)
end

-- The average as of now: { seconds, updated_at } decayed by the time since its last update; 0 when never seen.
local function score(stat, now)
  if not stat then
    return 0
  end
  return stat[1] * exp((stat[2] - now) / DECAY_SECONDS)
end

function _M:pick()
  local endpoints = self.endpoints
  local count = #endpoints
  local index = 1
  if count > 1 then
    local first = random(count)
    local second = random(count - 1)
    if second >= first then
      second = second + 1
    end
    local stats, keys, now = self.stats, self.keys, ngx_now()
    index = score(stats[keys[second]], now) < score(stats[keys[first]], now) and second or first
  end
  local endpoint = endpoints[index]
  return endpoint.address, endpoint.port, index
end

-- Called from the log phase with the endpoint that answered and how long its response took.
function _M:observe(index, seconds)
  local key = self.keys[index]
  if not key then
    return
  end
  local now = ngx_now()
  local stat = self.stats[key]
  if not stat then
    self.stats[key] = { seconds, now }
    return
  end
  local weight = exp((stat[2] - now) / DECAY_SECONDS)
  stat[1] = stat[1] * weight + seconds * (1 - weight)
  stat[2] = now
end

return _M
