-- Picks the upstream peer for each proxied request from the backends the controller pushed (see configuration.lua).
-- Per backend a strategy instance (one module of portico/balancer/ each) and per location with canaries a
-- route of lanes (lanes.lua) are built when the pushed version changes; requests only look them up.
--
-- A plain location runs Lua in the balancer phase only (upstream_balancer, balance()): a backend without
-- endpoints is sent to the internal server answering 503 (`$portico_unavailable_peer`, see nginx.conf.hbs), so
-- only that error case pays a hop, and its first try keeps no per-request state (ngx.ctx costs about 2k
-- instructions a request). Locations whose 503 must be nginx's own (error pages, gRPC or HTTPS upstreams) run
-- rewrite() first and proxy to upstream_balancer_checked (balance_checked()), which uses the balancer it kept.
local ngx_balancer = require("ngx.balancer")
local cjson = require("cjson.safe")
local lanes = require("portico.lanes")

local ngx = ngx
local ngx_var = ngx.var
local ipairs = ipairs
local tonumber = tonumber
local string_find = string.find
local string_gmatch = string.gmatch
local math_min = math.min
local table_concat = table.concat
local get_last_failure = ngx_balancer.get_last_failure
local set_current_peer = ngx_balancer.set_current_peer
local set_more_tries = ngx_balancer.set_more_tries

local config = ngx.shared.portico_config

-- Strategies by the name the controller sends (Balancing in controller/model/types.ts).
local strategies = {
  round_robin = require("portico.balancer.round_robin"),
  ewma = require("portico.balancer.ewma"),
  chash = require("portico.balancer.chash"),
  sticky = require("portico.balancer.sticky"),
}
-- Connect failures move on to another endpoint at most this many times per request.
local MAX_RETRIES = 2

local _M = {}

-- Worker-local state, rebuilt from the shared dict whenever backends_version moves (it starts empty after a reload).
local synced_version = nil
local balancers = {} -- backend name -> strategy instance; absent when the backend has no endpoints
local balancer_keys = {} -- backend name -> endpoints and balancing as one string, to keep unchanged instances
local routes = {} -- route id ($portico_route) -> lanes instance
local routed = {} -- backend name -> true when some location of it has lanes: only those read $portico_route
local observing = false -- some strategy learns from responses: the log phase has work to do

local function endpoints_key(endpoints)
  local parts = {}
  for i, endpoint in ipairs(endpoints) do
    parts[i] = endpoint.address .. "|" .. endpoint.port
  end
  return table_concat(parts, ",")
end

-- set_current_peer parses its address like nginx's `server` directive, so IPv6 literals need brackets.
local function bracket_ipv6(endpoints)
  for _, endpoint in ipairs(endpoints) do
    if string_find(endpoint.address, ":", 1, true) then
      endpoint.address = "[" .. endpoint.address .. "]"
    end
  end
end

local function rebuild(backends)
  local next_balancers, next_keys, next_routes, next_routed, any_observer = {}, {}, {}, {}, false
  for _, backend in ipairs(backends) do
    local name, endpoints, balancing = backend.name, backend.endpoints, backend.balancing
    if #endpoints > 0 then
      bracket_ipv6(endpoints)
      local key = endpoints_key(endpoints) .. " " .. cjson.encode(balancing)
      if balancer_keys[name] == key then
        next_balancers[name] = balancers[name]
      else
        next_balancers[name] = strategies[balancing.strategy].new(backend, balancers[name])
      end
      next_keys[name] = key
      any_observer = any_observer or next_balancers[name].observe ~= nil
    end
    for _, route in ipairs(backend.routes) do
      next_routes[route.route] = lanes.new(name, route.lanes)
      next_routed[name] = true
    end
  end
  balancers, balancer_keys, routes, routed = next_balancers, next_keys, next_routes, next_routed
  observing = any_observer
end

local function sync()
  -- Version first: the body stored with it (or a newer one) is what we then read.
  local version = config:get("backends_version")
  if version == synced_version then
    return
  end
  synced_version = version
  local backends, err = cjson.decode(config:get("backends") or "")
  if not backends then
    ngx.log(ngx.ERR, "stored backends are unreadable, keeping the previous ones: ", err)
    return
  end
  rebuild(backends)
end

-- The backend serving this request: a lane's when the location has lanes and one is chosen (and has endpoints).
local function choose_backend(name)
  if not routed[name] then
    return name
  end
  local route = routes[ngx_var.portico_route]
  -- An error page's location keeps the route variable of the location it came from: its backend is not the main one.
  if not route or route.main ~= name then
    return name
  end
  local lane = route:choose(balancers)
  if lane and balancers[lane] then
    return lane
  end
  return name
end

-- This request's balancer after refreshing the worker's balancers if needed; nil when its backend has no endpoint.
-- The second value is true when later phases need the choice kept in ngx.ctx: the backend has lanes (a retry
-- must stay in the chosen lane), or its strategy learns from responses (observe) or from retries (retried).
local function request_balancer()
  sync()
  local name = ngx_var.proxy_upstream_name
  local chosen = choose_backend(name)
  local balancer = balancers[chosen]
  if not balancer then
    ngx.log(ngx.WARN, "no endpoints for backend ", chosen)
    return nil, false
  end
  return balancer, routed[name] == true or balancer.observe ~= nil or balancer.retried ~= nil
end

-- rewrite_by_lua, rendered only where the 503 must be nginx's own: answers it at once when there is no endpoint.
function _M.rewrite()
  local balancer = request_balancer()
  if not balancer then
    return ngx.exit(ngx.HTTP_SERVICE_UNAVAILABLE)
  end
  -- Kept per request: another request may rebuild the worker's balancers before this one connects.
  ngx.ctx.portico_balancer = balancer
end

local function set_peer(address, port)
  local ok, err = set_current_peer(address, port)
  if not ok then
    ngx.log(ngx.ERR, "setting peer ", address, ":", port, " failed: ", err)
    return ngx.exit(ngx.ERROR)
  end
end

-- The first try asks the strategy; ctx (nil when nothing needs it) keeps the endpoint for retries and observe.
local function first_try(balancer, ctx)
  if not balancer then
    return set_peer(ngx_var.portico_unavailable_peer)
  end
  local tries = math_min(#balancer.endpoints - 1, MAX_RETRIES)
  if tries > 0 then
    set_more_tries(tries)
  end
  local address, port, index = balancer:pick()
  if ctx then
    ctx.portico_endpoint = index
  end
  return set_peer(address, port)
end

-- The endpoint a first try that kept no state went to: the last address in $upstream_addr that is one of them.
local function tried_index(balancer)
  local found
  for address in string_gmatch(ngx_var.upstream_addr or "", "[^%s,]+") do
    for i, endpoint in ipairs(balancer.endpoints) do
      if endpoint.address .. ":" .. endpoint.port == address then
        found = i
      end
    end
  end
  return found
end

-- A retry after a failed connect takes the next endpoint in the list after the one that failed.
local function retry(ctx)
  local balancer = ctx.portico_balancer
  if not balancer then
    -- Only a plain location's first try keeps nothing, and its backend has no lanes: the same choice again.
    balancer = request_balancer()
    if not balancer then
      return set_peer(ngx_var.portico_unavailable_peer)
    end
    ctx.portico_balancer = balancer
  end
  local endpoints = balancer.endpoints
  local index = (ctx.portico_endpoint or tried_index(balancer) or 0) % #endpoints + 1
  ctx.portico_endpoint = index
  if balancer.retried then
    balancer:retried(index)
  end
  local endpoint = endpoints[index]
  return set_peer(endpoint.address, endpoint.port)
end

-- balancer_by_lua of upstream_balancer: the locations without a rewrite-phase check.
function _M.balance()
  if get_last_failure() ~= nil then
    return retry(ngx.ctx)
  end
  local balancer, keep = request_balancer()
  if keep then
    local ctx = ngx.ctx
    ctx.portico_balancer = balancer
    return first_try(balancer, ctx)
  end
  return first_try(balancer, nil)
end

-- balancer_by_lua of upstream_balancer_checked: rewrite() chose the balancer and kept it.
function _M.balance_checked()
  local ctx = ngx.ctx
  if get_last_failure() ~= nil then
    return retry(ctx)
  end
  return first_try(ctx.portico_balancer, ctx)
end

-- log_by_lua: strategies that learn from responses (ewma) hear how long the answering endpoint took.
function _M.log()
  if not observing then
    return
  end
  local ctx = ngx.ctx
  local balancer = ctx.portico_balancer
  if not balancer or not balancer.observe then
    return
  end
  -- A single try gives one number; after retries the list is left out rather than parsed.
  local seconds = tonumber(ngx.var.upstream_response_time)
  if seconds then
    balancer:observe(ctx.portico_endpoint, seconds)
  end
end

return _M
