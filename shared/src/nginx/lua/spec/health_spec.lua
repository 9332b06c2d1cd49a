package.path = "spec/?.lua;" .. package.path
local t = require "harness"

t.case("unhealthy until a document is in, then ok", function()
  local s = t.load({ "health" })
  t.request()
  signalbox.health("no targets yet")
  t.eq(ngx.status, 503, "before")
  t.eq(s.said[1], "no targets yet", "says what is missing")
  s.dict:set("version", "abc")
  t.request()
  signalbox.health("no targets yet")
  t.eq(ngx.status, 200, "after")
  t.eq(s.said[1], "ok", "answer")
end)

t.run()
