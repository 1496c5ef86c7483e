#!/usr/bin/env bash
# Revenue endpoints on N subscriptions with history (default 1,000,000), PostgreSQL (or --sqlite), Release build.
# Seeds the database directly (bench/revenue/seed-postgres.sql or seed-sqlite.sql), starts Tally and times
# its revenue projection catching up with that history (what an upgrade does once), then times, in
# alternating rounds, the hand-written SQL aggregate of current MRR (bench/revenue/mrr-baseline*.sql through
# psql or sqlite3), GET /api/admin/revenue, the 24-point monthly time series and 24 months of cohorts.
#   bench/revenue.sh [--subscriptions 1000000] [--rounds 5] [--sqlite]
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000 ROUNDS=5 PROVIDER=postgres
while [ $# -gt 0 ]; do
  case $1 in
    --subscriptions) N=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --sqlite) PROVIDER=sqlite ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh

export TALLY_ADMIN_EMAILS=bench@example.com
export Logging__LogLevel__Default=Warning
export TALLY_STRIPE_EMULATOR=true   # no Stripe key: the embedded emulator, also with PostgreSQL
if [ "$PROVIDER" = postgres ]; then
  pg_start
  export DATABASE_URL="$TALLY_TEST_POSTGRES"
  SQL=("$PG_BIN/psql" "$TALLY_TEST_POSTGRES" -q -v ON_ERROR_STOP=1)
  BASELINE=bench/revenue/mrr-baseline.sql
else
  export DATABASE_URL="$WORK/tally.db"
  SQL=(sqlite3 "$DATABASE_URL")
  BASELINE=bench/revenue/mrr-baseline-sqlite.sql
fi
(cd "$WORK" && dotnet "$DLL" migrate >/dev/null)
start=$(date +%s.%N)
if [ "$PROVIDER" = postgres ]; then
  "${SQL[@]}" -v n="$N" -f bench/revenue/seed-postgres.sql
else
  sed "s/@N@/$N/" bench/revenue/seed-sqlite.sql | "${SQL[@]}"
fi
echo "seeded $N subscriptions in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
baseline() { "${SQL[@]}" <"$BASELINE"; }
scalar() { if [ "$PROVIDER" = postgres ]; then "${SQL[@]}" -At -c "$1"; else "${SQL[@]}" "$1"; fi; }

PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --no-migrate --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 150); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
# The projection (revenue_* tables) is rebuilt from the history by the server's worker on its first start.
start=$(date +%s.%N)
until [ "$(scalar "select count(*) from revenue_projection_state where policy_key <> ''")" = 1 ] && [ "$(scalar 'select count(*) from revenue_projection_changes')" = 0 ]; do sleep 1; done
catchup=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
echo "projection caught up with $N subscriptions in $catchup s"
TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"
curl -sf -H "$AUTH" "$URL/api/me" >/dev/null

AS_OF=2025-07-01T00:00:00Z
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null || return 1; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN{printf "%.3f\n", e-s}'; }
get() { curl -sf --max-time 600 -H "$AUTH" "$URL$1" -o /dev/null; }
median() { sort -g | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

get "/api/admin/revenue?as_of=$AS_OF"                                   # warm-up (JIT, pools)
curl -sf -H "$AUTH" "$URL/api/admin/revenue?as_of=$AS_OF" | head -c 400; echo
: >"$WORK/sql"; : >"$WORK/revenue"; : >"$WORK/series"; : >"$WORK/cohorts"
for _ in $(seq 1 "$ROUNDS"); do
  seconds baseline >>"$WORK/sql"
  seconds get "/api/admin/revenue?as_of=$AS_OF" >>"$WORK/revenue"
  seconds get "/api/admin/revenue/timeseries?from=2023-07-01T00:00:00Z&to=$AS_OF&interval=month" >>"$WORK/series"
  seconds get "/api/admin/revenue/cohorts?from=2023-07-01T00:00:00Z&to=$AS_OF" >>"$WORK/cohorts"
done
sql=$(median <"$WORK/sql"); rev=$(median <"$WORK/revenue"); series=$(median <"$WORK/series"); cohorts=$(median <"$WORK/cohorts")
ratio() { awk -v a="$1" -v b="$sql" 'BEGIN{printf "%.2f", a/b}'; }
echo "subscriptions: $N, $PROVIDER, Release, medians of $ROUNDS alternating rounds (seconds); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "projection catch-up from the seeded history (once): $catchup"
echo "SQL aggregate of current MRR (client, incl. connect):  $sql   [$(paste -sd' ' "$WORK/sql")]"
echo "GET /api/admin/revenue:                              $rev  ($(ratio "$rev") x the SQL aggregate)   [$(paste -sd' ' "$WORK/revenue")]"
echo "GET /api/admin/revenue/timeseries (24 monthly):      $series  ($(ratio "$series") x)   [$(paste -sd' ' "$WORK/series")]"
echo "GET /api/admin/revenue/cohorts (24 months):          $cohorts  ($(ratio "$cohorts") x)   [$(paste -sd' ' "$WORK/cohorts")]"
