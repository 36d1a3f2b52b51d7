-- Consistent hashing (`upstream-hash-by`): the key is built per request from the literal text and request
-- variables the controller parsed from the annotation; the ring (see ring.lua) maps it to an endpoint, or
-- with `upstream-hash-by-subset` to a group of endpoints, one of which is picked at random.
local ring = require("portico.ring")

local ngx_var = ngx.var
local table_concat = table.concat
local ceil = math.ceil
local random = math.random
local setmetatable = setmetatable

local _M = {}
local mt = { __index = _M }

-- Groups of `size` endpoint indexes in endpoint order, the last one filled up from the start, and a ring over them.
local function subsets(endpoints, size)
  local groups, names = {}, {}
  for group = 1, ceil(#endpoints / size) do
    local members = {}
    for member = 1, size do
      members[member] = ((group - 1) * size + member - 1) % #endpoints + 1
    end
    groups[group], names[group] = members, { address = "subset", port = group }
  end
  return groups, ring.new(names)
end

-- backend.balancing: hashBy, an array of { text = "..." } or { variable = "request_uri" }, and an optional
-- subsetSize (validated by configuration.lua).
function _M.new(backend)
  local endpoints, balancing = backend.endpoints, backend.balancing
  local parts = balancing.hashBy
  local instance = { endpoints = endpoints, parts = parts, scratch = {} }
  instance.single = #parts == 1 and parts[1].variable or nil
  if balancing.subsetSize then
    instance.groups, instance.ring = subsets(endpoints, balancing.subsetSize)
  else
    instance.ring = ring.new(endpoints)
  end
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
  local groups = self.groups
  if groups then
    local members = groups[index]
    index = members[random(#members)]
  end
  local endpoint = self.endpoints[index]
  return endpoint.address, endpoint.port, index
end

return _M
