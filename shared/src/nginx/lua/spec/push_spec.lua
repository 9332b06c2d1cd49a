package.path = "spec/?.lua;" .. package.path
local t = require "harness"

local function post(body)
  t.request()
  ngx.req = {
    get_method = function() return "POST" end,
    read_body = function() end,
    get_body_data = function() return body end,
  }
  signalbox.targets()
end

local function get()
  t.request()
  ngx.req = { get_method = function() return "GET" end }
  signalbox.targets()
end

t.case("a document replaces every entry and names its version", function()
  local s = t.load({ "push" })
  s.dict:set("pool:old", "10.0.0.1:80")
  post("signalbox_targets v1 abc123\nweb 10.0.0.2:80,10.0.0.3:80\nidle -\n")
  t.eq(ngx.status, 200, "status")
  t.eq(s.said[1], "abc123", "answer")
  t.eq(s.dict:get("version"), "abc123", "version")
  t.eq(s.dict:get("pool:web"), "10.0.0.2:80,10.0.0.3:80", "web")
  t.eq(s.dict:get("pool:idle"), "", "a pool without targets")
  t.eq(s.dict:get("pool:old"), nil, "an entry the document does not name")
end)

t.case("GET answers the version in force, or none", function()
  local s = t.load({ "push" })
  get()
  t.eq(s.said[1], "none", "before a push")
  post("signalbox_targets v1 v7\n")
  get()
  t.eq(s.said[1], "v7", "after")
end)

t.case("a document in another format is refused and changes nothing", function()
  local s = t.load({ "push" })
  s.dict:set("version", "v1")
  s.dict:set("pool:web", "10.0.0.1:80")
  post("signalbox_targets v2 zzz\nweb 10.9.9.9:80\n")
  t.eq(ngx.status, 400, "status")
  t.eq(s.said[1], "not signalbox_targets v1", "answer")
  t.eq(s.dict:get("pool:web"), "10.0.0.1:80", "entries kept")
  t.eq(s.dict:get("version"), "v1", "version kept")
end)

t.case("a body nginx kept on disk (too large) or none at all is refused", function()
  t.load({ "push" })
  post(nil)
  t.eq(ngx.status, 400, "status")
end)

t.run()
