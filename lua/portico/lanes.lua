-- Canary lanes of one location (a route): which backend serves a request, the location's own or a lane's.
-- As in ingress-nginx, a session (an affinity cookie of the main backend or a lane's) stays where it is; else
-- headers decide, then cookies, then weights; with several lanes each phase tries them in order (oldest first):
--   header: a lane's value (exact) or pattern matches, or, without either, the header says "always": that lane;
--           "never": not that lane, whatever its cookie or weight say;
--   cookie: "always": that lane; "never": not that lane;
--   weight: each lane owns weight/weightTotal of the requests no header or cookie decided.
local ngx = ngx
local ngx_var = ngx.var
local re_find = ngx.re.find
local random = math.random
local setmetatable = setmetatable

local _M = {}
local mt = { __index = _M }

-- Marks lanes a request ruled out with that request's stamp, so nothing is allocated or cleared per request.
local excluded = {}
local stamp = 0

-- "always" selects lane i; "never" rules it out for the rest of this request.
local function always_or_never(value, i)
  if value == "never" then
    excluded[i] = stamp
  end
  return value == "always"
end

local function header_variable(name)
  return "http_" .. name:lower():gsub("-", "_")
end

-- main: the location's backend; lanes: array from the pushed JSON (validated by configuration.lua).
function _M.new(main, lanes)
  local compiled, cumulative, weighted = {}, 0, false
  for i, lane in ipairs(lanes) do
    local pattern = lane.headerPattern
    if pattern then
      local _, _, err = re_find("", pattern, "jo")
      if err then
        ngx.log(ngx.ERR, "lane ", lane.backend, ": header pattern ", pattern, " does not compile, ignored: ", err)
        pattern = nil
      end
    end
    cumulative = cumulative + lane.weight / lane.weightTotal
    weighted = weighted or lane.weight > 0
    compiled[i] = {
      backend = lane.backend,
      header = lane.header and header_variable(lane.header),
      value = lane.headerValue,
      pattern = pattern,
      cookie = lane.cookie and ("cookie_" .. lane.cookie),
      -- Lanes own consecutive slices of [0, 1): this one up to here.
      until_share = cumulative,
    }
  end
  return setmetatable({ main = main, lanes = compiled, count = #compiled, weighted = weighted }, mt)
end

-- The backend for this request: a lane's, or nil for the location's own. balancers: backend name -> strategy.
function _M:choose(balancers)
  local lanes, count = self.lanes, self.count
  local main = balancers[self.main]
  if main and main.affinitized and main:affinitized() then
    return nil
  end
  for i = 1, count do
    local balancer = balancers[lanes[i].backend]
    if balancer and balancer.affinitized and balancer:affinitized() then
      return lanes[i].backend
    end
  end
  stamp = stamp + 1
  local last_variable, last_value
  for i = 1, count do
    local lane = lanes[i]
    local variable = lane.header
    if variable then
      if variable ~= last_variable then
        last_variable, last_value = variable, ngx_var[variable]
      end
      local value = last_value
      if value then
        if lane.value then
          if value == lane.value then
            return lane.backend
          end
        elseif lane.pattern then
          if re_find(value, lane.pattern, "jo") then
            return lane.backend
          end
        elseif always_or_never(value, i) then
          return lane.backend
        end
      end
    end
  end
  for i = 1, count do
    local lane = lanes[i]
    if lane.cookie and excluded[i] ~= stamp and always_or_never(ngx_var[lane.cookie], i) then
      return lane.backend
    end
  end
  if not self.weighted then
    return nil
  end
  local draw = random()
  for i = 1, count do
    local lane = lanes[i]
    if draw < lane.until_share then
      if excluded[i] == stamp then
        return nil
      end
      return lane.backend
    end
  end
  return nil
end

return _M
