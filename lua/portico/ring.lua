-- A consistent-hash ring over a backend's endpoints: each endpoint owns POINTS places on a 32-bit circle,
-- and a key belongs to the first place at or after its own hash. Places depend on the endpoint's address
-- only, so adding or removing one endpoint moves just the keys of the places it gains or loses (about 1/N).
local crc32 = ngx.crc32_long
local md5_bin = ngx.md5_bin
local byte = string.byte
local table_sort = table.sort
local floor = math.floor
local setmetatable = setmetatable

local POINTS = 160

-- Places come from md5, not crc32: crc32 is linear, so the places of two endpoints would be one pattern
-- shifted by a constant and the ring could be far from even. Computed per endpoint change only.
local function place_hash(name)
  local a, b, c, d = byte(md5_bin(name), 1, 4)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

local _M = {}
local mt = { __index = _M }

-- endpoints: non-empty array of { address, port }; built once per endpoint change, never per request.
function _M.new(endpoints)
  local places = {}
  for index, endpoint in ipairs(endpoints) do
    local name = endpoint.address .. ":" .. endpoint.port .. "#"
    for point = 1, POINTS do
      places[#places + 1] = { place_hash(name .. point), index }
    end
  end
  table_sort(places, function(a, b)
    -- Ties (rare crc32 collisions) are ordered by endpoint so every worker builds the same ring.
    return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2])
  end)
  local hashes, owners = {}, {}
  for i, place in ipairs(places) do
    hashes[i], owners[i] = place[1], place[2]
  end
  return setmetatable({ hashes = hashes, owners = owners, count = #hashes }, mt)
end

-- The index (into the endpoints given to new) owning key: a binary search for the first place >= hash(key).
function _M:find(key)
  local hashes = self.hashes
  local hash = crc32(key)
  local low, high = 1, self.count
  if hash > hashes[high] then
    return self.owners[1]
  end
  while low < high do
    local middle = floor((low + high) / 2)
    if hashes[middle] < hash then
      low = middle + 1
    else
      high = middle
    end
  end
  return self.owners[low]
end

return _M
