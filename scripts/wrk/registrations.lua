-- scripts/wrk/registrations.lua: distinct, valid resident registrations (CONTRACT §4) for wrk.
--
--   wrk -t2 -c32 -d15s --latency -s scripts/wrk/registrations.lua \
--       http://127.0.0.1:18110/api/v1/registrations -- TOKEN [OFFSET [THREADS [MODE]]]
--
-- Every request carries a new identity number (110105 + birth date + sequence + the GB 11643 check
-- character computed here), so every answer should be 201. The same script drives the echo
-- baseline (`POST /echo`): the bodies then have exactly the same sizes and generation cost.
-- Request k of thread t (0-based) uses index OFFSET + k * THREADS + t: pass wrk's -t as THREADS
-- (default 64, also fine for fewer threads) and give each run against the same data directory its
-- own OFFSET (default 0), e.g. multiples of 3 000 000.
-- MODE (diagnostics of scripts/bench-http DIAGNOSE=1): `valid` (default); `bad_phone`: the same
-- bodies with an invalid phone (answered 422 after token check, place lookup and validation, so
-- without any write); `get`: a bare GET of the URL (e.g. /healthz: HTTP and routing only).
-- `response()` counts the answers by status; `done()` prints one machine-readable line:
--   RESULT requests=N seconds=S rps=R p50_ms=… p90_ms=… p99_ms=… max_ms=… s2xx=N s200=N s201=N
--          other=N connect_err=N read_err=N write_err=N timeout_err=N statuses=201:N,… body_bytes=B

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local checks = { "1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2" }
local surnames = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭" }
local given = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明" }
local rooms = {}
for floor = 1, 18 do
   for door = 1, 2 do rooms[#rooms + 1] = string.format("%d%02d", floor, door) end
end

-- Valid GB 11643 number for index i (distinct for i < 91 * 336 * 1000 = 30 576 000):
-- birth dates 1930-01-01 … 2020-12-28 (days 1-28 of each month), sequence 000-999.
local function id_number(i)
   local d = math.floor(i / 1000)
   local seq = i % 1000
   local day = d % 28 + 1
   local month = math.floor(d / 28) % 12 + 1
   local year = 1930 + math.floor(d / 336) % 91
   local body = string.format("110105%04d%02d%02d%03d", year, month, day, seq)
   local sum = 0
   for k = 1, 17 do sum = sum + (string.byte(body, k) - 48) * weights[k] end
   return body .. checks[sum % 11 + 1]
end

local function name(i)
   return surnames[i % 16 + 1] .. given[math.floor(i / 16) % 16 + 1] .. given[math.floor(i / 256) % 16 + 1]
end

function init(args)
   token = args[1] or error("usage: wrk ... -s registrations.lua URL -- TOKEN [OFFSET [THREADS [MODE]]]")
   offset = tonumber(args[2] or "0")
   stride = tonumber(args[3] or "64")
   mode = args[4] or "valid"
   if mode ~= "valid" and mode ~= "bad_phone" and mode ~= "get" then error("MODE must be valid, bad_phone or get") end
   counter = 0
   statuses = {}
   bodybytes = 0
   headers = { ["Content-Type"] = "application/json" }
end

function request()
   local i = offset + counter * stride + tid
   counter = counter + 1
   if mode == "get" then return wrk.format("GET") end
   local body = string.format(
      '{"token":"%s","name":"%s","id_number":"%s","phone":"%s%08d","room":"%s","temperature":36.6,' ..
      '"symptoms":[],"visited":[],"contact":"none","consent":true}',
      token, name(i), id_number(i), mode == "bad_phone" and "129" or "139", i % 100000000, rooms[i % #rooms + 1])
   bodybytes = bodybytes + #body
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local made, bytes = 0, 0
   for _, thread in ipairs(threads) do
      made = made + thread:get("counter")
      bytes = bytes + thread:get("bodybytes")
   end
   local all, s2xx, other, list = common.merge_statuses(threads)
   common.write_result(summary, latency,
      string.format("s2xx=%d s200=%d s201=%d other=%d", s2xx, all[200] or 0, all[201] or 0, other),
      string.format("statuses=%s body_bytes=%.1f", list, made > 0 and bytes / made or 0))
end
