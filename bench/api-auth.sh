#!/usr/bin/env bash
# Throughput and latency of GET /api/me with a real bearer token (JWT validation, user lookup,
# role claims) against a bare GET /healthz, in the same run, Release build.
#   bench/api-auth.sh [--postgres] [--rounds N] [--duration 5s] [--connections 32]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5 DURATION=5s CONNECTIONS=32 USE_PG=0
while [ $# -gt 0 ]; do
  case $1 in
    --postgres) USE_PG=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source bench/release-lib.sh
source bench/wrk-lib.sh

export Logging__LogLevel__Default=Warning
if [ "$USE_PG" = 1 ]; then
  pg_start
  export DATABASE_URL="$TALLY_TEST_POSTGRES"
else
  export DATABASE_URL="$WORK/tally.db"
fi
PORT=$(pg_free_port)
URL="http://127.0.0.1:$PORT"
(cd "$WORK" && exec dotnet "$DLL" serve --urls "$URL" >"$WORK/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 1h)
curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/me" >/dev/null   # provisions the user

run() { # run PATH [header] -> "rps p50_ms p99_ms"
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$2" "$URL$1")
  else out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$URL$1"); fi
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  [ -n "$non2xx" ] && { echo "non-2xx answers during the run: $non2xx" >&2; exit 1; }
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}

wrk -t2 -c"$CONNECTIONS" -d3s "$URL/healthz" >/dev/null            # warm-up (JIT, pools)
wrk -t2 -c"$CONNECTIONS" -d3s -H "Authorization: Bearer $TOKEN" "$URL/api/me" >/dev/null
: >"$WORK/health" ; : >"$WORK/me"
for r in $(seq 1 "$ROUNDS"); do                                       # alternate, so drift hits both alike
  run /healthz >>"$WORK/health"
  run /api/me "Authorization: Bearer $TOKEN" >>"$WORK/me"
done

db=$([ "$USE_PG" = 1 ] && echo PostgreSQL || echo SQLite)
h_rps=$(cut -d' ' -f1 "$WORK/health" | median); m_rps=$(cut -d' ' -f1 "$WORK/me" | median)
h_p50=$(cut -d' ' -f2 "$WORK/health" | median); m_p50=$(cut -d' ' -f2 "$WORK/me" | median)
h_p99=$(cut -d' ' -f3 "$WORK/health" | median); m_p99=$(cut -d' ' -f3 "$WORK/me" | median)
echo "database: $db, rounds: $ROUNDS x $DURATION, wrk -t2 -c$CONNECTIONS, medians"
printf "%-14s %12s %10s %10s\n" endpoint "req/s" "p50 ms" "p99 ms"
printf "%-14s %12s %10s %10s\n" "GET /healthz" "$h_rps" "$h_p50" "$h_p99"
printf "%-14s %12s %10s %10s\n" "GET /api/me" "$m_rps" "$m_p50" "$m_p99"
awk -v m="$m_rps" -v h="$h_rps" 'BEGIN { printf "ratio /api/me : /healthz = %.2f (target >= 0.50)\n", m/h }'
