-- scripts/wrk/verify.lua: checkpoint scans (CONTRACT §6) for wrk, cycling through sample codes.
--
--   wrk -t2 -c64 -d15s --latency -s scripts/wrk/verify.lua \
--       http://127.0.0.1:18600/api/v1/verify -- TOKEN PAYLOAD_FILE [CHECKPOINT [THREADS [MODE]]]
--
-- Every request is `POST` with `Authorization: Bearer TOKEN` and the JSON body
-- {"code":"GP1:…","checkpoint":"CHECKPOINT"} (CHECKPOINT default CP-DJ-E); the codes are the lines
-- of PAYLOAD_FILE (written by `gridpass bench seed --out`). Thread t (0-based) of THREADS (pass
-- wrk's -t; default 2) starts at line t + 1 and steps by THREADS, wrapping around. The requests are
-- formatted once, in init(), so the load generator (on the same cores as the server) spends as
-- little as possible per request.
-- The same script drives the echo baseline (`POST /echo` of gridpass-echo) with MODE `echo`:
-- the same requests, headers and bodies; the answers are only counted by status.
-- MODE `verify` (default) also counts the answers whose body contains "result":"pass".
-- Diagnostic modes (scripts/bench-verify DIAGNOSE=1), to split the cost of a scan:
--   `get`: a bare GET of the URL (e.g. /healthz); `bad_token`: the same requests with an unknown
--   token (401); `malformed`: codes cut to 40 characters (invalid/malformed: no HMAC, no database);
--   `bad_signature`: one character changed in the middle of each code (invalid/bad_signature: the
--   HMAC is computed, no database read).
-- done() prints one machine-readable line:
--   RESULT requests=N seconds=S rps=R p50_ms=… p90_ms=… p99_ms=… max_ms=… s2xx=N other=N pass=N
--          connect_err=N read_err=N write_err=N timeout_err=N statuses=200:N,… body_bytes=B codes=N

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local usage = "usage: wrk ... -s verify.lua URL -- TOKEN PAYLOAD_FILE [CHECKPOINT [THREADS [MODE]]]"
   local token = args[1] or error(usage)
   local file = args[2] or error(usage)
   local checkpoint = args[3] or "CP-DJ-E"
   local stride = tonumber(args[4] or "2")
   mode = args[5] or "verify"
   local modes = { verify = 1, echo = 1, get = 1, bad_token = 1, malformed = 1, bad_signature = 1 }
   if not modes[mode] then error("MODE must be verify, echo, get, bad_token, malformed or bad_signature") end
   if mode == "bad_token" then token = "not-a-token" end
   local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
   local all = {}
   local f = io.open(file, "r") or error("cannot open " .. file)
   for line in f:lines() do
      if line ~= "" then all[#all + 1] = line end
   end
   f:close()
   if #all == 0 then error(file .. " has no codes") end
   requests, bodybytes = {}, 0
   local i = tid % #all + 1
   -- This thread's share, in its order (at least one request even with fewer codes than threads).
   repeat
      local code = all[i]
      if mode == "malformed" then code = code:sub(1, 40) end
      if mode == "bad_signature" then
         local c = code:sub(45, 45) == "A" and "B" or "A"
         code = code:sub(1, 44) .. c .. code:sub(46)
      end
      local body = string.format('{"code":"%s","checkpoint":"%s"}', code, checkpoint)
      bodybytes = bodybytes + #body
      requests[#requests + 1] = mode == "get" and wrk.format("GET") or wrk.format("POST", nil, headers, body)
      i = i + stride
   until i > #all
   bodybytes = bodybytes / #requests
   count, next_request, statuses, passes = #requests, 1, {}, 0
end

function request()
   local r = requests[next_request]
   next_request = next_request % count + 1
   return r
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if mode == "verify" and status == 200 and body and string.find(body, '"result":"pass"', 1, true) then
      passes = passes + 1
   end
end

function done(summary, latency, requests)
   local pass, bytes, codes = 0, 0, 0
   for _, thread in ipairs(threads) do
      pass = pass + thread:get("passes")
      bytes = bytes + thread:get("bodybytes")
      codes = codes + thread:get("count")
   end
   local all, s2xx, other, list = common.merge_statuses(threads)
   common.write_result(summary, latency, string.format("s2xx=%d other=%d pass=%d", s2xx, other, pass),
      string.format("statuses=%s body_bytes=%.1f codes=%d", list, #threads > 0 and bytes / #threads or 0, codes))
end
