-- Round robin over a backend's endpoints; each worker keeps its own position.
local setmetatable = setmetatable

local _M = {}
local mt = { __index = _M }

-- backend.endpoints: non-empty array of { address = "10.0.0.1", port = 8080 }, read back by balancer.lua.
function _M.new(backend)
  local endpoints = backend.endpoints
  -- Workers start at different endpoints so that together they do not all hit the first one.
  local start = (ngx.worker.id() or 0) % #endpoints
  return setmetatable({ endpoints = endpoints, last = start }, mt)
end

-- Returns the next endpoint's address, port and index.
function _M:pick()
  local endpoints = self.endpoints
  local index = self.last % #endpoints + 1
  self.last = index
  local endpoint = endpoints[index]
  return endpoint.address, endpoint.port, index
end

return _M
