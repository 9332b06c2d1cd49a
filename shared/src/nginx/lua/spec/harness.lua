-- Runs the proxies' Lua outside nginx, in plain Lua 5.1, against a stand-in for the parts of the `ngx` API
-- it uses: a shared dictionary, request variables, the balancer and the response. What it cannot stand in
-- for (the real balancer, LuaJIT, the nginx phases) the nginx tests cover on real nginx.
--
--   lua5.1 spec/<name>_spec.lua   (from shared/src/nginx/lua/; the nginx test tier runs every spec)
local M = {}

-- A lua_shared_dict: get, set, delete and get_keys are what the files call.
local function new_dict()
  local data = {}
  return {
    data = data,
    get = function(_, k) return data[k] end,
    set = function(_, k, v) data[k] = v end,
    delete = function(_, k) data[k] = nil end,
    get_keys = function()
      local keys = {}
      for k in pairs(data) do keys[#keys + 1] = k end
      table.sort(keys)
      return keys
    end,
  }
end

-- Fresh stand-ins and freshly loaded files for each case, so no case sees another's state.
function M.load(files, fields)
  local peers, said = {}, {}
  local exited
  local balancer = {
    more_tries = nil,
    set_current_peer = function(host, port)
      peers[#peers + 1] = host .. ":" .. port
      return true
    end,
    set_more_tries = function(n) M.state.balancer.more_tries = n end,
  }
  package.loaded["ngx.balancer"] = balancer
  ngx = {
    ERR = "error",
    var = {},
    ctx = {},
    status = 200,
    shared = { signalbox_targets = new_dict() },
    log = function() end,
    say = function(...) said[#said + 1] = table.concat({ ... }) end,
    exit = function(code) exited = code end,
    -- Not CRC32 (Lua 5.1 has no bit operations): any stable hash will do to check that equal keys pick the
    -- same target.
    crc32_long = function(s)
      local h = 0
      for i = 1, #s do h = (h * 31 + s:byte(i)) % 4294967296 end
      return h
    end,
    req = {},
  }
  signalbox = { dict = ngx.shared.signalbox_targets, wire_header = "signalbox_targets v1" }
  for k, v in pairs(fields or {}) do signalbox[k] = v end
  for _, f in ipairs(files) do dofile(f .. ".lua") end
  M.state = {
    dict = ngx.shared.signalbox_targets,
    balancer = balancer,
    peers = peers,
    said = said,
    exited = function() return exited end,
  }
  return M.state
end

-- A new request: fresh ngx.ctx and variables, peers picked so far forgotten.
function M.request(vars)
  ngx.ctx = {}
  ngx.var = vars or {}
  ngx.status = 200
  for i = #M.state.peers, 1, -1 do M.state.peers[i] = nil end
  for i = #M.state.said, 1, -1 do M.state.said[i] = nil end
end

function M.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what, tostring(expected), tostring(actual)), 2)
  end
end

local cases = {}
function M.case(name, fn) cases[#cases + 1] = { name = name, fn = fn } end

-- TAP-like lines; exits 1 when a case failed or none ran, so the caller need only read the status.
function M.run()
  local failed = 0
  for i, c in ipairs(cases) do
    local ok, err = pcall(c.fn)
    if ok then
      print(string.format("ok %d - %s", i, c.name))
    else
      failed = failed + 1
      print(string.format("not ok %d - %s: %s", i, c.name, tostring(err)))
    end
  end
  print(string.format("%d cases, %d failed", #cases, failed))
  os.exit((failed == 0 and #cases > 0) and 0 or 1)
end

return M
