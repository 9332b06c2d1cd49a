package.path = "spec/?.lua;" .. package.path
local t = require "harness"

local function setup(targets)
  local s = t.load({ "balancer" })
  s.dict:set("version", "v1")
  s.dict:set("pool:web", targets)
  return s
end

-- One request through signalbox.balance: the peers it tried, first try plus `retries` more.
local function pick(s, kind, key, vars, retries)
  t.request(vars)
  for _ = 0, retries or 0 do signalbox.balance("web", kind, key, 10503) end
  return s.peers
end

t.case("round robin takes each target in turn", function()
  local s = setup("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80")
  local seen = {}
  for _ = 1, 6 do seen[#seen + 1] = pick(s, "round-robin", "")[1] end
  local cycle = "10.0.0.1:80 10.0.0.2:80 10.0.0.3:80"
  t.eq(table.concat(seen, " "), cycle .. " " .. cycle, "order")
end)

t.case("a pool without targets goes to the local 503 server", function()
  local s = setup("")
  t.eq(pick(s, "round-robin", "")[1], "127.0.0.1:10503", "peer")
end)

t.case("a pool the dictionary does not know goes to the local 503 server", function()
  local s = t.load({ "balancer" })
  s.dict:set("version", "v1")
  t.eq(pick(s, "round-robin", "")[1], "127.0.0.1:10503", "peer")
end)

t.case("a failed connection is retried on the next targets, at most two more", function()
  local s = setup("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80,10.0.0.4:80")
  local peers = pick(s, "round-robin", "", {}, 2)
  t.eq(table.concat(peers, " "), "10.0.0.1:80 10.0.0.2:80 10.0.0.3:80", "tries")
  t.eq(s.balancer.more_tries, 2, "more tries")
end)

t.case("one target: no retries asked for", function()
  local s = setup("10.0.0.1:80")
  pick(s, "round-robin", "")
  t.eq(s.balancer.more_tries, nil, "more tries")
end)

t.case("the sticky cookie picks the same target every time", function()
  local s = setup("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80")
  local first = pick(s, "cookie", "session", { http_cookie = "a=1; session=abc; b=2" })[1]
  for _ = 1, 5 do
    t.eq(pick(s, "cookie", "session", { http_cookie = "session=abc" })[1], first, "same cookie")
  end
end)

t.case("cookie names are case-sensitive; without the cookie, round robin", function()
  local s = setup("10.0.0.1:80,10.0.0.2:80")
  local a = pick(s, "cookie", "Session", { http_cookie = "session=abc" })[1]
  local b = pick(s, "cookie", "Session", { http_cookie = "session=abc" })[1]
  t.eq(a ~= b, true, "round robin without a cookie named exactly Session")
end)

t.case("ip_hash picks by client address", function()
  local s = setup("10.0.0.1:80,10.0.0.2:80,10.0.0.3:80")
  local first = pick(s, "ip", "", { remote_addr = "192.0.2.7" })[1]
  for _ = 1, 5 do t.eq(pick(s, "ip", "", { remote_addr = "192.0.2.7" })[1], first, "same address") end
end)

t.case("a new version of the dictionary is read; the same version is served from the cache", function()
  local s = setup("10.0.0.1:80")
  t.eq(pick(s, "round-robin", "")[1], "10.0.0.1:80", "before")
  s.dict:set("pool:web", "10.0.0.9:80")
  t.eq(pick(s, "round-robin", "")[1], "10.0.0.1:80", "same version: cached list")
  s.dict:set("version", "v2")
  t.eq(pick(s, "round-robin", "")[1], "10.0.0.9:80", "new version")
end)

t.case("require_targets answers 503 for a pool without targets and lets others through", function()
  local s = setup("")
  t.request()
  signalbox.require_targets("web")
  t.eq(s.exited(), 503, "empty pool")
  s = setup("10.0.0.1:443")
  t.request()
  signalbox.require_targets("web")
  t.eq(s.exited(), nil, "pool with a target")
end)

t.run()
