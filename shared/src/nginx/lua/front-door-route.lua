-- The front door's host lookup, as nginx's `map ... hostnames` matches: the exact name, then the longest
-- `*.suffix` wildcard, then the default entry. It names the pool of proxy tasks the balancer picks from;
-- an unknown host gets 503 from nginx itself.
local dict = signalbox.dict
local host_key = signalbox.host_key
local default_key = signalbox.default_key

function signalbox.route()
  local host = ngx.var.host
  local pool = dict:get(host_key .. host)
  local rest = host
  while pool == nil do
    local dot = rest:find(".", 1, true)
    if dot == nil then break end
    rest = rest:sub(dot + 1)
    pool = dict:get(host_key .. "*." .. rest)
  end
  if pool == nil then pool = dict:get(default_key) end
  if pool == nil then return ngx.exit(503) end
  ngx.ctx.sb_pool = pool
end
