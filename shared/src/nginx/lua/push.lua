-- The agent's push endpoint, on 127.0.0.1 only. POST replaces every entry of the dictionary with the
-- body's: a first line `<wire header> <version>`, then one `<key> <value>` line per entry (`-` for an
-- empty value); entries the body does not name are deleted. GET answers the version in force.
local dict = signalbox.dict
local header = signalbox.wire_header

function signalbox.targets()
  if ngx.req.get_method() == "GET" then
    ngx.say(dict:get("version") or "none")
    return
  end
  ngx.req.read_body()
  local body = ngx.req.get_body_data()
  if body == nil then
    ngx.status = 400
    ngx.say("empty or oversized body")
    return
  end
  -- The header holds no Lua pattern characters (runtime-targets.ts), so it can stand in the pattern as is.
  local version = body:match("^" .. header .. " (%S+)\n")
  if version == nil then
    ngx.status = 400
    ngx.say("not " .. header)
    return
  end
  local seen = {}
  for key, value in body:gmatch("\n(%S+) (%S+)") do
    dict:set("pool:" .. key, value == "-" and "" or value)
    seen["pool:" .. key] = true
  end
  for _, k in ipairs(dict:get_keys(0)) do
    if k ~= "version" and not seen[k] then dict:delete(k) end
  end
  dict:set("version", version)
  ngx.say(version)
end
