#!/usr/bin/env bash
# usage_summary and usage_records on a large ledger (default 10,000,000 rows), PostgreSQL, Release.
# A bench editor gets a real metered subscription through the API (emulator mode); then
# bench/usage/seed-ledger.sql generates the rows in SQL (--own of them the editor's, in its current
# period; the rest over 999 other users), EXPLAIN ANALYZE shows the plans of both reads, and curl
# times both endpoints beside /healthz and /api/me (the summary includes Stripe's meter total from the
# embedded emulator).
#   bench/usage-rows.sh [--rows 10000000] [--own 10000] [--requests 21]
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000000 OWN=10000 REQUESTS=21
while [ $# -gt 0 ]; do
  case $1 in
    --rows) N=$2; shift ;;
    --own) OWN=$2; shift ;;
    --requests) REQUESTS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh
source bench/wrk-lib.sh

export TALLY_ADMIN_EMAILS=bench@example.com Logging__LogLevel__Default=Warning TALLY_STRIPE_EMULATOR=true
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
curl -sf -X POST -H "$AUTH" "$URL/api/stripe/create_customer" >/dev/null
sub=$(curl -sf -X POST -H "$AUTH" "$URL/api/billing/subscriptions")
field() { echo "$sub" | sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
item=$(field subscription_item_id); start=$(field current_period_start); end=$(field current_period_end)
user=$(curl -sf -H "$AUTH" "$URL/api/me" | sed -E 's/.*"id":([0-9]+).*/\1/')
customer=$(curl -sf -H "$AUTH" "$URL/api/me" | sed -E 's/.*"stripe_customer_id":"([^"]+)".*/\1/')

t0=$(date +%s.%N)
"${PSQL[@]}" -v n="$N" -v own="$OWN" -v user="$user" -v customer="$customer" -v item="$item" \
  -v period_start="$start" -v period_end="$end" -f bench/usage/seed-ledger.sql
echo "seeded $N ledger rows ($OWN of user $user, item $item) in $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
"${PSQL[@]}" -c "SELECT count(*) AS ledger_rows, pg_size_pretty(pg_total_relation_size('usage_records')) AS size FROM usage_records"

echo "--- EXPLAIN usage_summary's query (the SQL EF Core sends, parameters inlined)"
"${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT status, sum(quantity) FROM usage_records
  WHERE stripe_subscription_item_id = '$item' AND period_start = '$start' GROUP BY status"
echo "--- EXPLAIN usage_records' first page"
"${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM usage_records WHERE user_id = $user ORDER BY id DESC LIMIT 51"

ms() { curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL$1" | awk '{printf "%.2f\n", $1*1000}'; }
for p in /healthz /api/me /api/billing/usage_summary "/api/billing/usage_records?limit=50"; do ms "$p" >/dev/null; done   # warm-up
: >"$WORK/health"; : >"$WORK/me"; : >"$WORK/summary"; : >"$WORK/records"
for _ in $(seq 1 "$REQUESTS"); do   # the same curl against /healthz and /api/me: the machine's baseline in this run
  ms /healthz >>"$WORK/health"
  ms /api/me >>"$WORK/me"
  ms /api/billing/usage_summary >>"$WORK/summary"
  ms "/api/billing/usage_records?limit=50" >>"$WORK/records"
done
curl -sf -H "$AUTH" "$URL/api/billing/usage_summary" | head -c 600; echo
echo "medians of $REQUESTS requests (curl time_total, ms): /healthz $(median <"$WORK/health"), /api/me $(median <"$WORK/me"), usage_summary $(median <"$WORK/summary"), usage_records $(median <"$WORK/records") (target < 20 ms)"
