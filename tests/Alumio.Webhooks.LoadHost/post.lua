-- wrk script: POST a 1 KB JSON order with the webhook's header to the path given on the command line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Alumio-Auth"] = "VerySecret"
local lines = {}
for i = 1, 9 do
  lines[#lines + 1] = string.format('{"sku":"SKU-%04d","name":"Item number %d of this order","quantity":%d,"price":%d.95}', i, i, i, i * 3)
end
wrk.body = '{"orderId":"SO-1001","customer":{"name":"Ada Lovelace","email":"ada@example.com"},"lines":[' .. table.concat(lines, ",") .. '],"note":"' .. string.rep("x", 120) .. '"}'
