-- scripts/wrk/common.lua: what the wrk scripts share, loaded with dofile next to them.

local common = {}

-- The answers of all threads by status: the table, the 2xx and other counts, and "200:N,201:N".
function common.merge_statuses(threads)
   local all = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do all[status] = (all[status] or 0) + n end
   end
   local s2xx, other, list = 0, 0, {}
   for status, n in pairs(all) do
      if status >= 200 and status < 300 then s2xx = s2xx + n else other = other + n end
      list[#list + 1] = status .. ":" .. n
   end
   table.sort(list)
   return all, s2xx, other, table.concat(list, ",")
end

-- Writes the one machine-readable line of a run: "RESULT requests=… seconds=… rps=… p50_ms=…
-- p90_ms=… p99_ms=… max_ms=… " then `counts` (the script's own counts, already formatted),
-- wrk's socket errors and `tail` (also formatted).
function common.write_result(summary, latency, counts, tail)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
      "%s connect_err=%d read_err=%d write_err=%d timeout_err=%d %s\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, counts, e.connect, e.read, e.write, e.timeout, tail))
end

return common
