-- Spreads requests over every host in $HOSTS_FILE (one per line), round robin, so the edge
-- resolves many projects and reads many manifests rather than one memoised host.
local hosts = {}
for line in io.lines(os.getenv("HOSTS_FILE")) do
  if #line > 0 then hosts[#hosts + 1] = line end
end
local path = os.getenv("BENCH_PATH") or "/"
local requests = {}
for i, host in ipairs(hosts) do
  requests[i] = wrk.format("GET", path, { Host = host })
end
local i = math.random(#requests)

request = function()
  i = i % #requests + 1
  return requests[i]
end
