-- The controller's endpoint: stores the backends JSON in the shared dict, where every worker's balancer finds it.
local cjson = require("cjson.safe")

local ngx = ngx
local type = type
local ipairs = ipairs
local pairs = pairs
local floor = math.floor

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

-- Checks the shape the balancer relies on, so a bad push is refused here rather than failing every request.
local function validate(backends)
  if not is_array(backends) then
    return "backends must be a JSON array"
  end
  for i, backend in ipairs(backends) do
    if type(backend) ~= "table" or type(backend.name) ~= "string" then
      return "backend " .. i .. " has no string name"
    end
    if not is_array(backend.endpoints) then
      return "backend " .. backend.name .. ": endpoints must be an array"
    end
    for _, endpoint in ipairs(backend.endpoints) do
      if type(endpoint) ~= "table" or type(endpoint.address) ~= "string" or not is_port(endpoint.port) then
        return "backend " .. backend.name .. ": each endpoint needs a string address and a port"
      end
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
