#!/usr/bin/env bash
# Usage ingest of a Release build: POST /api/billing/report_usage (real JWT, a unique Idempotency-Key
# per request) and the batch endpoint (1,000 reports per request) against a bare GET /healthz in the
# same run, rounds alternating; then the flusher drains and the Stripe meter events are counted.
#   bench/usage.sh [--postgres] [--rounds 5] [--duration 5s] [--connections 64] [--batch-connections 4] [--warmup 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5 DURATION=5s CONNECTIONS=64 BATCH_CONNECTIONS=4 USE_PG=0 WARMUP=20s
while [ $# -gt 0 ]; do
  case $1 in
    --postgres) USE_PG=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --batch-connections) BATCH_CONNECTIONS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source bench/release-lib.sh
source bench/wrk-lib.sh

export TALLY_ADMIN_EMAILS=bench@example.com
export Logging__LogLevel__Default=Warning
if [ "$USE_PG" = 1 ]; then
  pg_start
  export DATABASE_URL="$TALLY_TEST_POSTGRES" TALLY_STRIPE_EMULATOR=true
else
  export DATABASE_URL="$WORK/tally.db"
fi
PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 150); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
export TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"
curl -sf -X POST -H "$AUTH" "$URL/api/stripe/create_customer" >/dev/null
curl -sf -X POST -H "$AUTH" -H "Content-Type: application/json" -d '{"payment_method_id":"pm_card_visa"}' "$URL/api/stripe/attach_payment_method" >/dev/null
curl -sf -X POST -H "$AUTH" "$URL/api/billing/subscriptions" >/dev/null

run() { # run CONNECTIONS PATH [script] -> "rps p50_ms p99_ms"
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c"$1" -d"$DURATION" --latency -s "$3" "$URL$2")
  else out=$(wrk -t2 -c"$1" -d"$DURATION" --latency "$URL$2"); fi
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  [ -n "$non2xx" ] && { echo "non-2xx answers during the run: $non2xx" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(to_ms "$(echo "$out" | awk '$1=="50%" {print $2}')") $(to_ms "$(echo "$out" | awk '$1=="99%" {print $2}')")"
}

# Warm-up (JIT tiering, pools): on a loaded 2-core machine the JIT was still recompiling hot methods
# a minute after start (about half of Tally's CPU samples), so each path gets a long warm-up.
wrk -t2 -c"$CONNECTIONS" -d5s "$URL/healthz" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s bench/usage/report.lua "$URL/api/billing/report_usage" >/dev/null
wrk -t2 -c"$BATCH_CONNECTIONS" -d"$WARMUP" -s bench/usage/batch.lua "$URL/api/billing/report_usage/batch" >/dev/null
: >"$WORK/health"; : >"$WORK/report"; : >"$WORK/batch"
for r in $(seq 1 "$ROUNDS"); do
  run "$CONNECTIONS" /healthz >>"$WORK/health"
  run "$CONNECTIONS" /api/billing/report_usage bench/usage/report.lua >>"$WORK/report"
  run "$BATCH_CONNECTIONS" /api/billing/report_usage/batch bench/usage/batch.lua >>"$WORK/batch"
done
RSS_KB=$(ps -o rss= -p "$(pgrep -f "$DLL serve" | head -1)" | tr -d ' ')

db=$([ "$USE_PG" = 1 ] && echo PostgreSQL || echo SQLite)
col() { cut -d' ' -f"$2" "$WORK/$1" | median; }
echo "database: $db, rounds: $ROUNDS x $DURATION, medians; report_usage and /healthz with wrk -t2 -c$CONNECTIONS, batch with -c$BATCH_CONNECTIONS"
printf "%-32s %12s %10s %10s\n" endpoint "req/s" "p50 ms" "p99 ms"
printf "%-32s %12s %10s %10s\n" "GET /healthz" "$(col health 1)" "$(col health 2)" "$(col health 3)"
printf "%-32s %12s %10s %10s\n" "POST report_usage" "$(col report 1)" "$(col report 2)" "$(col report 3)"
printf "%-32s %12s %10s %10s\n" "POST report_usage/batch (x1000)" "$(col batch 1)" "$(col batch 2)" "$(col batch 3)"
awk -v r="$(col report 1)" -v h="$(col health 1)" -v b="$(col batch 1)" 'BEGIN {
  printf "ratio report_usage : /healthz = %.2f (target >= 0.33); batch events/s = %.0f (target >= 150,000)\n", r/h, b*1000 }'
echo "Tally RSS after the runs: $((RSS_KB / 1024)) MB"

# Delivery: wait for the flusher to drain, then count the meter events Stripe (the embedded emulator) received.
for _ in $(seq 1 300); do
  pending=$(curl -sf -H "$AUTH" "$URL/api/admin/usage/health" | sed -E 's/.*"pending":([0-9]+).*/\1/')
  [ "$pending" = 0 ] && break; sleep 1
done
records=$(curl -sf -H "$AUTH" "$URL/api/admin/usage/reconciliation" | sed -E 's/.*"local_total":([0-9.]+).*"stripe_total":([0-9.]+).*/\1 \2/')
echo "after draining: pending $pending; local total and Stripe's total for the customer: $records"
