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

return common
