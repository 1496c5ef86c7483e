#!/usr/bin/env bash
# Webhook intake (verify + store, processor off) and processing (processor on, re-fetching from the
# emulator) of a Release build of Tally on a throwaway PostgreSQL cluster, plus a /healthz baseline.
#   bench/webhooks.sh [--rounds 5] [--customers 1000] [--warmup-customers 4000] [--intake-events 20000]
#                     [--intake-warmup 40000] [--concurrency 32] [--parallelism 8]
#                     [--baseline <git revision>]   also measures that revision's build, rounds alternating, for ratios
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
baseline_rev=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--baseline" ]; then baseline_rev=$2; shift 2; else args+=("$1"); shift; fi
done
dotnet build src/Tally.Api -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build bench/Tally.Bench.Webhooks -c Release -nologo -clp:ErrorsOnly >/dev/null
if [ -n "$baseline_rev" ]; then
  BASELINE_DIR=$(mktemp -d /tmp/tally-baseline.XXXXXX)
  git archive "$baseline_rev" | tar -x -C "$BASELINE_DIR"
  dotnet build "$BASELINE_DIR/src/Tally.Api" -c Release -nologo -clp:ErrorsOnly >/dev/null
  args+=(--baseline-dll "$BASELINE_DIR/src/Tally.Api/bin/Release/net10.0/Tally.Api.dll")
fi
source scripts/postgres.sh
trap 'pg_stop; [ -n "${BASELINE_DIR:-}" ] && rm -rf "$BASELINE_DIR"' EXIT
pg_start
SERVER="${TALLY_TEST_POSTGRES%/postgres}"
# Per build (1: this build, 2: the baseline) one database for its intake Tally and one for its processing Tally.
for db in tally_intake_1 tally_intake_2 tally_process_1 tally_process_2; do
  "${PG_BIN}/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null
done
dotnet bench/Tally.Bench.Webhooks/bin/Release/net10.0/Tally.Bench.Webhooks.dll \
  --dll "$PWD/src/Tally.Api/bin/Release/net10.0/Tally.Api.dll" --database-url "$SERVER/tally_intake_" --process-database-url "$SERVER/tally_process_" "${args[@]}"
