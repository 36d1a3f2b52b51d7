-- Session affinity (`affinity: cookie`). The affinity cookie holds, per `affinity-mode`:
--   balanced:   a random key and a tag of its backend; the key is mapped onto the endpoints by a consistent-hash
--               ring, so scaling moves about 1/N of sessions and a session whose endpoint went away lands on
--               another without a new cookie;
--   persistent: the digest of its endpoint, kept for as long as that endpoint exists (then a new one is set).
-- The cookie is set in the balancer phase, before the upstream's response headers are added to the answer.
local ring = require("portico.ring")

local ngx = ngx
local ngx_var = ngx.var
local ngx_md5 = ngx.md5
local random = math.random
local string_find = string.find
local string_sub = string.sub
local tostring = tostring
local setmetatable = setmetatable

-- Keys tried to find one that the ring maps to a given endpoint (change-on-failure in balanced mode).
local MAX_KEY_TRIES = 64

local _M = {}
local mt = { __index = _M }

-- Browsers that reject SameSite=None (Chromium's published list): the attribute is left out for them.
local function rejects_same_site_none(agent)
  if not agent then
    return false
  end
  if string_find(agent, "Chrome/5[1-9]%.") or string_find(agent, "Chrome/6[0-6]%.") then
    return true
  end
  if string_find(agent, "CPU iPhone OS 12_", 1, true) or string_find(agent, "iPad; CPU OS 12_", 1, true) then
    return true
  end
  return string_find(agent, "Macintosh; Intel Mac OS X 10_14", 1, true) ~= nil
    and string_find(agent, "Version/", 1, true) ~= nil
    and string_find(agent, "Safari", 1, true) ~= nil
    and not string_find(agent, "Chrome", 1, true)
end

-- backend.balancing.cookie: see StickyCookie in controller/model/types.ts (validated by configuration.lua).
function _M.new(backend)
  local endpoints, cookie = backend.endpoints, backend.balancing.cookie
  local digests, by_digest = {}, {}
  for i, endpoint in ipairs(endpoints) do
    local digest = ngx_md5(endpoint.address .. ":" .. endpoint.port)
    digests[i], by_digest[digest] = digest, i
  end
  -- Everything but Expires, Secure on https and a conditional SameSite is the same for every answer.
  local attributes = "; Path=" .. cookie.path .. "; HttpOnly"
  if cookie.maxAge then
    attributes = attributes .. "; Max-Age=" .. cookie.maxAge
  end
  if cookie.secure then
    attributes = attributes .. "; Secure"
  end
  return setmetatable({
    endpoints = endpoints,
    cookie = cookie,
    variable = "cookie_" .. cookie.name,
    persistent = cookie.mode == "persistent",
    ring = cookie.mode == "balanced" and ring.new(endpoints) or nil,
    -- Tells this backend's balanced keys from another's, so a cookie says which backend a session is on.
    tag = "." .. string_sub(ngx_md5(backend.name), 1, 8),
    digests = digests,
    by_digest = by_digest,
    attributes = attributes,
    same_site = cookie.sameSite and ("; SameSite=" .. cookie.sameSite) or "",
    last = random(#endpoints) - 1,
  }, mt)
end

function _M:set_cookie(value)
  local cookie = self.cookie
  local header = cookie.name .. "=" .. value .. self.attributes
  if cookie.expires then
    header = header .. "; Expires=" .. ngx.cookie_time(ngx.time() + cookie.expires)
  end
  if not cookie.secure and ngx_var.https == "on" then
    header = header .. "; Secure"
  end
  local conditional = cookie.sameSite == "None" and cookie.conditionalSameSiteNone
  if not (conditional and rejects_same_site_none(ngx_var.http_user_agent)) then
    header = header .. self.same_site
  end
  ngx.header["Set-Cookie"] = header
end

-- The endpoint index a cookie value stands for, or nil when it is not a session of this backend's endpoints.
function _M:find(value)
  if self.persistent then
    return self.by_digest[value]
  end
  local tag = self.tag
  if #value > #tag and string_find(value, tag, -#tag, true) then
    return self.ring:find(value)
  end
  return nil
end

-- Whether the request carries a session of this backend (canary lanes keep such requests here).
function _M:affinitized()
  local value = ngx_var[self.variable]
  return value ~= nil and self:find(value) ~= nil
end

-- A fresh cookie value and its endpoint: the next endpoint in turn (persistent) or a random key (balanced).
function _M:new_session()
  if self.persistent then
    local index = self.last % #self.endpoints + 1
    self.last = index
    return self.digests[index], index
  end
  local key = ngx_md5(tostring(random()) .. ngx.now() .. ngx.worker.pid()) .. self.tag
  return key, self.ring:find(key)
end

function _M:pick()
  local value = ngx_var[self.variable]
  local index = value and self:find(value)
  if not index then
    value, index = self:new_session()
    self:set_cookie(value)
  end
  local endpoint = self.endpoints[index]
  return endpoint.address, endpoint.port, index
end

-- A retry went to endpoint `index`: with change-on-failure, the session follows it.
function _M:retried(index)
  if not self.cookie.changeOnFailure then
    return
  end
  if self.persistent then
    return self:set_cookie(self.digests[index])
  end
  for _ = 1, MAX_KEY_TRIES do
    local key = self:new_session()
    if self.ring:find(key) == index then
      return self:set_cookie(key)
    end
  end
end

return _M
