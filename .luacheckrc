-- The proxies' Lua (shared/src/nginx/lua) runs in lua-nginx-module: LuaJIT and the `ngx` API. `signalbox`
-- is the one global; the renderer creates it before the files load and each file adds functions to it.
std = "ngx_lua"
globals = { "signalbox" }
max_line_length = 110
-- The specs run in plain Lua 5.1 with a stand-in `ngx` they build themselves.
files["shared/src/nginx/lua/spec"] = { std = "lua51", globals = { "ngx", "signalbox" } }
