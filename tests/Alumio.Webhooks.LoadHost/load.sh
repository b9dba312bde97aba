#!/usr/bin/env bash
# Load run: requests/s and p99 latency of a webhook (1 KB JSON, header validator, two routes) against a bare
# ASP.NET Core endpoint that reads the same body and answers 200, in one run, on one host process; then the
# delivery throughput of the tasks to a loopback receiver.
#   tests/Alumio.Webhooks.LoadHost/load.sh memory
#   tests/Alumio.Webhooks.LoadHost/load.sh sqlite
#   tests/Alumio.Webhooks.LoadHost/load.sh postgres "Host=127.0.0.1;Username=alumio;Password=...;Database=alumio_test"
# The two endpoints are measured in alternating rounds (bare, webhook, bare, webhook, ...) and the median of each is
# reported, since on a small machine one run of either can be off by 15 % or more.
# Environment: DURATION per round (default 10s), ROUNDS (default 3), WARMUP per endpoint (default 10s: tiered
# compilation of the store's client code goes on for several seconds), CONNECTIONS (default 32), PORT (default 5091),
# DELIVERY=0 to skip the delivery part.
set -euo pipefail
cd "$(dirname "$0")/../.."
store=${1:-memory}
connection=${2:-}
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-10s}
connections=${CONNECTIONS:-32}
port=${PORT:-5091}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

dotnet build -c Release tests/Alumio.Webhooks.LoadHost -v q -nologo >/dev/null
work=$(mktemp -d)
if [ "$store" = sqlite ] && [ -z "$connection" ]; then connection="Data Source=$work/tasks.db"; fi
if [ "$store" = postgres ] && [ -z "$connection" ]; then connection=${ALUMIO_TEST_POSTGRES:?set ALUMIO_TEST_POSTGRES or pass a connection string}; fi

start_host() { # $1 = extra arguments
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use; stop what listens there or set PORT" >&2; exit 1; fi
  # shellcheck disable=SC2086
  dotnet tests/Alumio.Webhooks.LoadHost/bin/Release/net10.0/Alumio.Webhooks.LoadHost.dll \
    --urls "http://127.0.0.1:$port" --store "$store" --connection "$connection" $1 >"$work/host.log" 2>&1 &
  host=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/bare" && return 0; sleep 0.1; done
  echo "host did not start:" >&2; cat "$work/host.log" >&2; exit 1
}
stop_host() { kill "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; }
trap stop_host EXIT

run_wrk() { # $1 = path; prints "requests/s p99_ms requests"
  wrk -t2 -c"$connections" -d"$duration" --latency -s tests/Alumio.Webhooks.LoadHost/post.lua "http://127.0.0.1:$port$1" >"$work/wrk.txt"
  local rps p99 count
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 } print v }' "$work/wrk.txt")
  count=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
  if grep -q "Non-2xx" "$work/wrk.txt"; then echo "non-2xx answers on $1:" >&2; cat "$work/wrk.txt" >&2; exit 1; fi
  echo "$rps $p99 $count"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# 1. Receiving: the processor is off, so only the receive path is measured; warm up both endpoints first.
fresh=""; if [ "$store" = postgres ]; then fresh="--fresh true"; fi # SQLite: a new file in $work
start_host "--processor false $fresh"
wrk -t2 -c"$connections" -d"$warmup" -s tests/Alumio.Webhooks.LoadHost/post.lua "http://127.0.0.1:$port/bare" >/dev/null
wrk -t2 -c"$connections" -d"$warmup" -s tests/Alumio.Webhooks.LoadHost/post.lua "http://127.0.0.1:$port/api/v1/webhook/load" >/dev/null
: >"$work/bare.txt"; : >"$work/hook.txt"
for round in $(seq 1 "$rounds"); do
  run_wrk /bare >>"$work/bare.txt"
  run_wrk /api/v1/webhook/load >>"$work/hook.txt"
  echo "round $round: bare $(tail -1 "$work/bare.txt" | cut -d' ' -f1) req/s p99 $(tail -1 "$work/bare.txt" | cut -d' ' -f2) ms, webhook $(tail -1 "$work/hook.txt" | cut -d' ' -f1) req/s p99 $(tail -1 "$work/hook.txt" | cut -d' ' -f2) ms" >&2
done
stop_host
bare_rps=$(cut -d' ' -f1 "$work/bare.txt" | median); bare_p99=$(cut -d' ' -f2 "$work/bare.txt" | median)
hook_rps=$(cut -d' ' -f1 "$work/hook.txt" | median); hook_p99=$(cut -d' ' -f2 "$work/hook.txt" | median)
total=$(awk '{ n += $3 } END { print n * 2 }' "$work/hook.txt") # two routes: two tasks per request
ratio=$(awk -v a="$hook_rps" -v b="$bare_rps" 'BEGIN { printf "%.2f", a / b }')
echo "store=$store medians of $rounds rounds of $duration: bare ${bare_rps} req/s p99 ${bare_p99} ms | webhook: ${hook_rps} req/s p99 ${hook_p99} ms | ratio ${ratio}"

# 2. Delivery: tasks already stored by the run above go to the host's own /bare endpoint over loopback HTTP.
if [ "$store" != memory ] && [ "${DELIVERY:-1}" != 0 ]; then
  start_host "--processor true --sink http://127.0.0.1:$port/bare"
  # The host counts what its /bare sink received; the clock stops when every task arrived (a task delivered twice,
  # after a lost lease, counts twice). Then, untimed, the task list must show nothing waiting.
  delivered() { curl -sf "http://127.0.0.1:$port/delivered" || echo 0; }
  pending() { curl -sf "http://127.0.0.1:$port/api/v1/tasks?status=$1&limit=1" | jq '.items | length'; }
  started=$(date +%s.%N)
  while [ "$(delivered)" -lt "$total" ]; do sleep 0.2; done
  ended=$(date +%s.%N)
  while [ "$(pending New)" != 0 ] || [ "$(pending Processing)" != 0 ] || [ "$(pending Retry)" != 0 ]; do sleep 1; done
  awk -v n="$total" -v a="$started" -v b="$ended" 'BEGIN { printf "delivery: %d tasks in %.1f s = %.0f tasks/s\n", n, b - a, n / (b - a) }'
  stop_host
fi
rm -rf "$work"
