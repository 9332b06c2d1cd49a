-- Healthy only once the agent has pushed a document: a task that (re)started answers unhealthy until then,
-- so neither Swarm nor the front door sends it a request it could only answer 503.
local dict = signalbox.dict

function signalbox.health(missing)
  if dict:get("version") == nil then
    ngx.status = 503
    ngx.say(missing)
    return
  end
  ngx.say("ok")
end
