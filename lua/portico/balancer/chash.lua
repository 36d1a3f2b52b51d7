-- Consistent hashing (`upstream-hash-by`): the key is built per request from the literal text and request
-- variables the controller parsed from the annotation; the ring (see ring.lua) maps it to an endpoint.
local ring = require("portico.ring")

local ngx_var = ngx.var
local table_concat = table.concat
local setmetatable = setmetatable

local _M = {}
local mt = { __index = _M }

-- backend.balancing.hashBy: array of { text = "..." } or { variable = "request_uri" } (validated by configuration.lua).
function _M.new(backend)
  local endpoints, parts = backend.endpoints, backend.balancing.hashBy
  local single = #parts == 1 and parts[1].variable or nil
  local instance = { endpoints = endpoints, ring = ring.new(endpoints), parts = parts, single = single, scratch = {} }
  return setmetatable(instance, mt)
end

function _M:key()
  if self.single then
    return ngx_var[self.single] or ""
  end
  local scratch, parts = self.scratch, self.parts
  for i = 1, #parts do
    local part = parts[i]
    scratch[i] = part.text or ngx_var[part.variable] or ""
  end
  return table_concat(scratch, "", 1, #parts)
end

function _M:pick()
  local index = self.ring:find(self:key())
  local endpoint = self.endpoints[index]
  return endpoint.address, endpoint.port, index
end

return _M
