#!/usr/bin/env bash
# Stripe calls per flush window: --customers customers (1,000), each with a metered subscription,
# report --per-customer reports each (1,000: 1,000,000 in all) through the batch endpoint while the
# flusher waits (Usage__FlushInterval = --window); then one flush delivers them, and the script
# counts the meter events (usage_batches rows: one identifier each, resent under the same one) and
# compares every customer's Stripe total with the ledger's. PostgreSQL, Release, emulator mode.
#   bench/usage-flush.sh [--customers 1000] [--per-customer 1000] [--window 00:06:00] [--clients 4]
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=1000 PER=1000 WINDOW=00:06:00 CLIENTS=4
while [ $# -gt 0 ]; do
  case $1 in
    --customers) CUSTOMERS=$2; shift ;;
    --per-customer) PER=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh

# Every bench user is an admin (so an editor) on its first request.
TALLY_ADMIN_EMAILS="bench@example.com$(seq -f ',bench%g@example.com' 0 $((CUSTOMERS - 1)) | tr -d '\n')"
export TALLY_ADMIN_EMAILS Logging__LogLevel__Default=Warning TALLY_STRIPE_EMULATOR=true
export Usage__FlushInterval=$WINDOW Usage__StripeRatePerSecond=100
pg_start
export DATABASE_URL="$TALLY_TEST_POSTGRES"
PSQL=("$PG_BIN/psql" "$TALLY_TEST_POSTGRES" -q -t -A -v ON_ERROR_STOP=1)
PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 150); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
started=$(date +%s)
export TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"

python3 bench/usage/flush_ratio.py "$URL" "$CUSTOMERS" "$PER" "$CLIENTS"
echo "ingest ended $(( $(date +%s) - started )) s after start; the flush window is $WINDOW; meter events so far: $("${PSQL[@]}" -c 'SELECT count(*) FROM usage_batches')"
for _ in $(seq 1 1800); do
  health=$(curl -sf -H "$AUTH" "$URL/api/admin/usage/health")
  [[ "$health" == *'"pending":0,'* && "$health" == *'"open_batches":0,'* ]] && break
  sleep 1
done
echo "delivered $(( $(date +%s) - started )) s after start: $health"
"${PSQL[@]}" -F ' ' -c "SELECT count(*), sum(value), count(DISTINCT stripe_customer_id) FROM usage_batches" | {
  read -r events units customers
  records=$("${PSQL[@]}" -c "SELECT count(*) FROM usage_records")
  echo "usage records: $records; meter events sent: $events for $customers customers ($units units); reports per meter event: $(awk -v r="$records" -v e="$events" 'BEGIN{printf "%.0f", r/e}') (target: at most $CUSTOMERS events)"
}
curl -sf -H "$AUTH" "$URL/api/admin/usage/reconciliation" > "$WORK/recon.json"
python3 - "$WORK/recon.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
off = [r for r in rows if r["difference"] not in (0, None) or r["stripe_total"] is None]
print(f"reconciliation: {len(rows)} customer rows, local total {sum(r['local_total'] for r in rows):,.0f}, "
      f"Stripe total {sum(r['stripe_total'] or 0 for r in rows):,.0f}, rows that differ: {len(off)}")
PY
