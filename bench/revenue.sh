#!/usr/bin/env bash
# Revenue endpoints on N subscriptions with history (default 1,000,000), PostgreSQL, Release build.
# Seeds the database directly (bench/revenue/seed-postgres.sql), then times, in alternating rounds,
# the hand-written SQL aggregate of current MRR (psql, bench/revenue/mrr-baseline.sql) and
# GET /api/admin/revenue, then the 24-point monthly time series and 24 months of cohorts.
#   bench/revenue.sh [--subscriptions 1000000] [--rounds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000 ROUNDS=5
while [ $# -gt 0 ]; do
  case $1 in
    --subscriptions) N=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh

pg_start
export DATABASE_URL="$TALLY_TEST_POSTGRES"
export TALLY_ADMIN_EMAILS=bench@example.com
export Logging__LogLevel__Default=Warning TALLY_STRIPE_EMULATOR=true
PSQL=("$PG_BIN/psql" "$TALLY_TEST_POSTGRES" -q -v ON_ERROR_STOP=1)
(cd "$WORK" && dotnet "$DLL" migrate >/dev/null)
start=$(date +%s.%N)
"${PSQL[@]}" -v n="$N" -f bench/revenue/seed-postgres.sql
echo "seeded $N subscriptions in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"

PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --no-migrate --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 150); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"
curl -sf -H "$AUTH" "$URL/api/me" >/dev/null

AS_OF=2025-07-01T00:00:00Z
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null || return 1; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN{printf "%.3f\n", e-s}'; }
get() { curl -sf --max-time 600 -H "$AUTH" "$URL$1" -o /dev/null; }
median() { sort -g | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

get "/api/admin/revenue?as_of=$AS_OF"                                   # warm-up (JIT, pools)
curl -sf -H "$AUTH" "$URL/api/admin/revenue?as_of=$AS_OF" | head -c 400; echo
: >"$WORK/sql"; : >"$WORK/revenue"
for _ in $(seq 1 "$ROUNDS"); do
  seconds "${PSQL[@]}" -f bench/revenue/mrr-baseline.sql >>"$WORK/sql"
  seconds get "/api/admin/revenue?as_of=$AS_OF" >>"$WORK/revenue"
done
series=$(seconds get "/api/admin/revenue/timeseries?from=2023-07-01T00:00:00Z&to=$AS_OF&interval=month")
cohorts=$(seconds get "/api/admin/revenue/cohorts?from=2023-07-01T00:00:00Z&to=$AS_OF")
sql=$(median <"$WORK/sql"); rev=$(median <"$WORK/revenue")
echo "subscriptions: $N, PostgreSQL, Release, medians of $ROUNDS alternating rounds (seconds)"
echo "SQL aggregate of current MRR (psql, incl. connect): $sql"
echo "GET /api/admin/revenue:                            $rev  ($(awk -v a="$rev" -v b="$sql" 'BEGIN{printf "%.1f", a/b}') x the SQL aggregate)"
echo "GET /api/admin/revenue/timeseries (24 monthly):    $series"
echo "GET /api/admin/revenue/cohorts (24 months):        $cohorts"
