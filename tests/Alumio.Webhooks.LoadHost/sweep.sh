#!/usr/bin/env bash
# The load run of load.sh at several numbers of connections, for one or more stores, receiving only (DELIVERY=0):
# a closed loop of N connections measures N divided by the latency, so a store that commits in groups (SQLite,
# PostgreSQL) is measured below its capacity until N is large enough to fill its groups, while the bare endpoint is
# bound by CPU from few connections on. The sweep shows where each endpoint saturates.
#   tests/Alumio.Webhooks.LoadHost/sweep.sh "memory sqlite postgres" "32 64 128 256"
# Environment: as load.sh (ROUNDS, DURATION, WARMUP; ALUMIO_TEST_POSTGRES for postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
stores=${1:-"memory sqlite postgres"}
counts=${2:-"32 64 128 256"}
echo "| store | connections | bare req/s | bare p99 | webhook req/s | webhook p99 | share of bare |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for store in $stores; do
  for c in $counts; do
    line=$(CONNECTIONS=$c DELIVERY=0 tests/Alumio.Webhooks.LoadHost/load.sh "$store" 2>&1 | tail -1) || true
    # store=sqlite medians of 3 rounds of 10s: bare 36546.57 req/s p99 2.56 ms | webhook: 8009.94 req/s p99 19.80 ms | ratio 0.22
    echo "$line" | awk -v s="$store" -v c="$c" '
      /medians/ { for (i = 1; i <= NF; i++) { if ($i == "bare") { br = $(i+1); bp = $(i+4) } if ($i == "webhook:") { wr = $(i+1); wp = $(i+4) } }
                  printf "| %s | %d | %.0f | %s ms | %.0f | %s ms | %.1f %% |\n", s, c, br, bp, wr, wp, 100 * wr / br; next }
      { print "| " s " | " c " | failed: " $0 " |" }'
  done
done
