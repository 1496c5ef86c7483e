#!/usr/bin/env bash
# The admin dashboard's usage endpoints on a large ledger (default 1,000,000 rows), PostgreSQL, Release.
# bench/usage/seed-dashboard.sql generates the rows (created over the last 24 hours, one billing period);
# EXPLAIN ANALYZE shows the activity window's read; curl times each endpoint beside /healthz and /api/me.
#   bench/usage-dashboard.sh [--rows 1000000] [--requests 11]
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000 REQUESTS=11
while [ $# -gt 0 ]; do
  case $1 in
    --rows) N=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh
source bench/wrk-lib.sh

export TALLY_ADMIN_EMAILS=bench@example.com Logging__LogLevel__Default=Warning TALLY_STRIPE_EMULATOR=true Usage__FlusherEnabled=false
pg_start
export DATABASE_URL="$TALLY_TEST_POSTGRES"
PSQL=("$PG_BIN/psql" "$TALLY_TEST_POSTGRES" -q -v ON_ERROR_STOP=1)
PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 150); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"

t0=$(date +%s.%N)
"${PSQL[@]}" -v n="$N" -f bench/usage/seed-dashboard.sql
echo "seeded $N ledger rows in $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
"${PSQL[@]}" -c "SELECT count(*) AS ledger_rows, count(*) FILTER (WHERE created_at >= now() - interval '1 hour') AS last_hour,
  pg_size_pretty(pg_total_relation_size('usage_records')) AS size FROM usage_records"

echo "--- EXPLAIN the activity window's read (last 60 minutes)"
"${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT created_at, reported_at, status FROM usage_records WHERE created_at >= date_trunc('minute', now()) - interval '59 minutes'"
"${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT reported_at FROM usage_records WHERE reported_at >= date_trunc('minute', now()) - interval '59 minutes' AND created_at < date_trunc('minute', now()) - interval '59 minutes'"
echo "--- EXPLAIN the corrections page"
"${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM usage_records WHERE kind = 'correction' ORDER BY id DESC LIMIT 21"

ms() { curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL$1" | awk '{printf "%.2f\n", $1*1000}'; }
PATHS=(/healthz /api/me "/api/admin/usage/activity?minutes=60" "/api/admin/usage/activity?minutes=1440" /api/admin/usage/top_customers
  "/api/admin/usage/records?status=failed" "/api/admin/usage/records?status=late" /api/admin/usage/corrections /api/admin/usage/health)
for p in "${PATHS[@]}"; do ms "$p" >/dev/null; done   # warm-up
for i in "${!PATHS[@]}"; do : >"$WORK/t$i"; done
for _ in $(seq 1 "$REQUESTS"); do   # round-robin, so every endpoint sees the same machine load
  for i in "${!PATHS[@]}"; do ms "${PATHS[$i]}" >>"$WORK/t$i"; done
done
curl -sf -H "$AUTH" "$URL/api/admin/usage/activity?minutes=3" | head -c 400; echo
echo "medians of $REQUESTS requests (curl time_total, ms):"
for i in "${!PATHS[@]}"; do echo "  ${PATHS[$i]}  $(median <"$WORK/t$i")"; done
