#!/usr/bin/env bash
# A/B of two load-host configurations on the same machine: both hosts run side by side (A on port 5091, B on 5092),
# each is warmed up, then wrk posts to A and B in alternating rounds, so both see the same noise.
#   tests/Alumio.Webhooks.LoadHost/ab.sh "<host arguments A>" "<host arguments B>" [rounds] [path]
# Example (what prepared statements are worth):
#   tests/Alumio.Webhooks.LoadHost/ab.sh \
#     "--store postgres --connection '$ALUMIO_TEST_POSTGRES;Max Auto Prepare=0' --schema ab_a --fresh true --processor false" \
#     "--store postgres --connection '$ALUMIO_TEST_POSTGRES' --schema ab_b --fresh true --processor false" 3
# Environment: DURATION per round (default 10s), WARMUP per host (default 8s), CONNECTIONS (default 32),
# HOST_A / HOST_B to compare two builds (paths of Alumio.Webhooks.LoadHost.dll; default: this checkout's Release build).
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$1; b=$2; rounds=${3:-3}; path=${4:-/api/v1/webhook/load}
duration=${DURATION:-10s}; warmup=${WARMUP:-8s}; connections=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
built=tests/Alumio.Webhooks.LoadHost/bin/Release/net10.0/Alumio.Webhooks.LoadHost.dll
if [ -z "${HOST_A:-}" ] || [ -z "${HOST_B:-}" ]; then dotnet build -c Release tests/Alumio.Webhooks.LoadHost -v q -nologo >/dev/null; fi
work=$(mktemp -d)
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap stop EXIT
for side in a b; do
  if [ "$side" = a ]; then port=5091; arguments=$a; dll=${HOST_A:-$built}; else port=5092; arguments=$b; dll=${HOST_B:-$built}; fi
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
  eval "exec dotnet \"$dll\" --urls http://127.0.0.1:$port $arguments" >"$work/$side.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/bare" && break; sleep 0.2; done
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/bare" || { echo "host $side did not start:" >&2; cat "$work/$side.log" >&2; exit 1; }
done
rate() { wrk -t2 -c"$connections" -d"$1" -s tests/Alumio.Webhooks.LoadHost/post.lua "http://127.0.0.1:$2$path" | awk '/Requests\/sec/ { print $2 } /Non-2xx/ { print "non-2xx" > "/dev/stderr" }'; }
rate "$warmup" 5091 >/dev/null; rate "$warmup" 5092 >/dev/null
for round in $(seq 1 "$rounds"); do
  echo "round $round: A $(rate "$duration" 5091) req/s, B $(rate "$duration" 5092) req/s"
done
