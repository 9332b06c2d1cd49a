package.path = "spec/?.lua;" .. package.path
local t = require "harness"

local function route(host)
  t.request({ host = host })
  signalbox.route()
  return ngx.ctx.sb_pool
end

local function setup(entries)
  local s = t.load({ "front-door-route" }, { host_key = "pool:host:", default_key = "pool:default" })
  for k, v in pairs(entries) do s.dict:set(k, v) end
  return s
end

t.case("the exact host wins over a wildcard", function()
  setup({ ["pool:host:a.example.com"] = "exact", ["pool:host:*.example.com"] = "wild" })
  t.eq(route("a.example.com"), "exact", "pool")
end)

t.case("the longest wildcard suffix wins", function()
  setup({ ["pool:host:*.b.example.com"] = "long", ["pool:host:*.example.com"] = "short" })
  t.eq(route("a.b.example.com"), "long", "deeper host")
  t.eq(route("c.example.com"), "short", "other host")
end)

t.case("a wildcard does not match its own suffix", function()
  local s = setup({ ["pool:host:*.example.com"] = "wild" })
  t.eq(route("example.com"), nil, "pool")
  t.eq(s.exited(), 503, "unknown host")
end)

t.case("an unknown host goes to the default entry, or gets 503 without one", function()
  setup({ ["pool:default"] = "fallback" })
  t.eq(route("unknown.test"), "fallback", "default")
  local s = setup({})
  route("unknown.test")
  t.eq(s.exited(), 503, "no default")
end)

t.run()
