-- The balancer of every run-time pool: cluster proxies pick an app task, the front door a proxy task.
-- Per request: a consistent hash of the sticky cookie or of the client address when the pool asks for one
-- (round robin without a cookie, as nginx's `hash` does), round robin otherwise. A failed connection is
-- retried on the next targets (at most two more), so a task that just left costs no request. Workers cache
-- a pool's parsed list until the dictionary's version changes.
local balancer = require "ngx.balancer"
local dict = signalbox.dict
local cache, cache_version, rr = {}, nil, {}

-- Not $cookie_NAME: lua-nginx-module lower-cases variable names, and cookie names are case-sensitive.
local function cookie(name)
  local header = ngx.var.http_cookie
  if header == nil then return nil end
  for k, v in string.gmatch(";" .. header, ";%s*([^=;]+)=([^;]*)") do
    if k == name then return v end
  end
  return nil
end

local function pool_targets(pool)
  local version = dict:get("version")
  if version ~= cache_version then
    cache, cache_version = {}, version
  end
  local list = cache[pool]
  if list == nil then
    list = {}
    local raw = dict:get("pool:" .. pool)
    if raw then
      for host, port in string.gmatch(raw, "([^,]+):(%d+)") do
        list[#list + 1] = { host, tonumber(port) }
      end
    end
    cache[pool] = list
  end
  return list
end

-- For pools the proxy reaches over TLS, whose requests cannot go to the plain-HTTP 503 server: 503 here,
-- in the access phase.
function signalbox.require_targets(pool)
  if #pool_targets(pool) == 0 then return ngx.exit(503) end
end

function signalbox.balance(pool, kind, key, no_targets_port)
  local list = pool_targets(pool)
  local n = #list
  if n == 0 then
    local ok, err = balancer.set_current_peer("127.0.0.1", no_targets_port)
    if not ok then ngx.log(ngx.ERR, "signalbox: ", err) end
    return
  end
  local ctx = ngx.ctx
  local tries = ctx.sb_tries or 0
  local index
  if tries == 0 then
    local value
    if kind == "cookie" then value = cookie(key) end
    if kind == "ip" then value = ngx.var.remote_addr end
    if value ~= nil and value ~= "" then
      index = ngx.crc32_long(value) % n + 1
    else
      rr[pool] = (rr[pool] or 0) % n + 1
      index = rr[pool]
    end
    ctx.sb_first = index
    if n > 1 then balancer.set_more_tries(math.min(n - 1, 2)) end
  else
    index = (ctx.sb_first + tries - 1) % n + 1
  end
  ctx.sb_tries = tries + 1
  local ok, err = balancer.set_current_peer(list[index][1], list[index][2])
  if not ok then ngx.log(ngx.ERR, "signalbox: ", err) end
end
