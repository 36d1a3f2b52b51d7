-- The controller's endpoint: stores the backends JSON in the shared dict, where every worker's balancer finds it.
local cjson = require("cjson.safe")

local ngx = ngx
local type = type
local ipairs = ipairs
local pairs = pairs
local floor = math.floor
local str_find = string.find

local config = ngx.shared.portico_config

local _M = {}

local function respond(status, body)
  ngx.status = status
  ngx.print(body)
  return ngx.exit(status)
end

local function is_array(value)
  if type(value) ~= "table" then
    return false
  end
  local count = 0
  for _ in pairs(value) do
    count = count + 1
  end
  return count == #value
end

local function is_port(value)
  return type(value) == "number" and value == floor(value) and value >= 1 and value <= 65535
end

local function optional(value, kind)
  return value == nil or type(value) == kind
end

local function is_count(value)
  return type(value) == "number" and value == floor(value) and value >= 0
end

-- Cookie names and paths end up in a Set-Cookie header: the controller's grammar, checked again.
local COOKIE_NAME = "^[%w!#$%%&'*+.^_`|~-]+$"
local COOKIE_PATH = "^/[%w/._~+:@,=%%-]*$"

local function check_hash_by(parts)
  if not is_array(parts) or #parts == 0 then
    return "hashBy must be a non-empty array"
  end
  for _, part in ipairs(parts) do
    if type(part) ~= "table" then
      return "each hashBy part must be an object"
    end
    local text_ok = type(part.text) == "string" and part.variable == nil
    local variable_ok = type(part.variable) == "string" and part.text == nil and str_find(part.variable, "^[%w_]+$")
    if not (text_ok or variable_ok) then
      return "each hashBy part needs a string text or a variable name"
    end
  end
end

local function check_cookie(cookie)
  if type(cookie) ~= "table" or type(cookie.name) ~= "string" or not str_find(cookie.name, COOKIE_NAME)
    or type(cookie.path) ~= "string" or not str_find(cookie.path, COOKIE_PATH) then
    return "cookie needs a valid name and path"
  end
  if cookie.mode ~= "balanced" and cookie.mode ~= "persistent" then
    return "cookie mode must be balanced or persistent"
  end
  local max_age_ok = cookie.maxAge == nil or is_count(cookie.maxAge)
  if not (max_age_ok and (cookie.expires == nil or is_count(cookie.expires))) then
    return "cookie maxAge and expires must be whole seconds"
  end
  local same_site = cookie.sameSite
  if not (same_site == nil or same_site == "None" or same_site == "Lax" or same_site == "Strict") then
    return "cookie sameSite must be None, Lax or Strict"
  end
  for _, flag in ipairs({ "secure", "changeOnFailure", "conditionalSameSiteNone" }) do
    if type(cookie[flag]) ~= "boolean" then
      return "cookie " .. flag .. " must be a boolean"
    end
  end
end

-- Per strategy the settings it reads (see Balancing in controller/model/types.ts).
local STRATEGIES = {
  round_robin = function() end,
  ewma = function() end,
  chash = function(balancing)
    local size = balancing.subsetSize
    if size ~= nil and not (is_count(size) and size >= 1) then
      return "subsetSize must be a whole number above 0"
    end
    return check_hash_by(balancing.hashBy)
  end,
  sticky = function(balancing) return check_cookie(balancing.cookie) end,
}

local function check_lane(lane)
  if type(lane) ~= "table" or type(lane.backend) ~= "string" then
    return "each lane needs a backend name"
  end
  if not is_count(lane.weight) or not is_count(lane.weightTotal) or lane.weightTotal == 0 then
    return "lane " .. lane.backend .. ": weight and weightTotal must be whole numbers, weightTotal above 0"
  end
  for _, field in ipairs({ "header", "headerValue", "headerPattern", "cookie" }) do
    if not optional(lane[field], "string") then
      return "lane " .. lane.backend .. ": " .. field .. " must be a string"
    end
  end
end

local function check_routes(routes)
  if not is_array(routes) then
    return "routes must be an array"
  end
  for _, route in ipairs(routes) do
    if type(route) ~= "table" or type(route.route) ~= "string" or not is_array(route.lanes) then
      return "each route needs a route id and an array of lanes"
    end
    for _, lane in ipairs(route.lanes) do
      local invalid = check_lane(lane)
      if invalid then
        return invalid
      end
    end
  end
end

local function check_backend(backend)
  if not is_array(backend.endpoints) then
    return "endpoints must be an array"
  end
  for _, endpoint in ipairs(backend.endpoints) do
    if type(endpoint) ~= "table" or type(endpoint.address) ~= "string" or not is_port(endpoint.port) then
      return "each endpoint needs a string address and a port"
    end
  end
  local balancing = backend.balancing
  local check = type(balancing) == "table" and STRATEGIES[balancing.strategy]
  if not check then
    return "balancing needs a known strategy"
  end
  return check(balancing) or check_routes(backend.routes)
end

-- Checks the shape the balancer relies on, so a bad push is refused here rather than failing every request.
local function validate(backends)
  if not is_array(backends) then
    return "backends must be a JSON array"
  end
  for i, backend in ipairs(backends) do
    if type(backend) ~= "table" or type(backend.name) ~= "string" then
      return "backend " .. i .. " has no string name"
    end
    local invalid = check_backend(backend)
    if invalid then
      return "backend " .. backend.name .. ": " .. invalid
    end
  end
  return nil
end

local function store_backends()
  ngx.req.read_body()
  local body = ngx.req.get_body_data()
  if not body then
    -- Missing, or larger than client_body_buffer_size and spilled to a file.
    return respond(ngx.HTTP_BAD_REQUEST, "request body missing or too large\n")
  end
  local backends, decode_err = cjson.decode(body)
  if decode_err then
    return respond(ngx.HTTP_BAD_REQUEST, "invalid JSON: " .. decode_err .. "\n")
  end
  local invalid = validate(backends)
  if invalid then
    return respond(ngx.HTTP_BAD_REQUEST, invalid .. "\n")
  end
  local ok, set_err = config:set("backends", body)
  if not ok then
    return respond(ngx.HTTP_INTERNAL_SERVER_ERROR, "storing backends failed: " .. set_err .. "\n")
  end
  -- Bumped after the body is stored, so a worker that sees the new version also reads the new body.
  local _, incr_err = config:incr("backends_version", 1, 0)
  if incr_err then
    return respond(ngx.HTTP_INTERNAL_SERVER_ERROR, "bumping backends version failed: " .. incr_err .. "\n")
  end
  return respond(ngx.HTTP_CREATED, "")
end

-- GET returns the stored backends JSON; POST replaces it.
function _M.backends()
  local method = ngx.req.get_method()
  if method == "POST" then
    return store_backends()
  end
  if method == "GET" then
    local body = config:get("backends")
    if not body then
      return respond(ngx.HTTP_NOT_FOUND, "no backends stored yet\n")
    end
    ngx.header["Content-Type"] = "application/json"
    return respond(ngx.HTTP_OK, body)
  end
  return respond(ngx.HTTP_NOT_ALLOWED, "use GET or POST\n")
end

-- Lets tests and the controller tell whether workers were replaced (a reload) or kept (a dynamic update).
function _M.worker_pid()
  ngx.print(ngx.worker.pid())
end

return _M
