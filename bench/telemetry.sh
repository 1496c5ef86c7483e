#!/usr/bin/env bash
# Telemetry overhead on usage ingest (Release build): two Tally processes side by side, one with metrics
# and tracing on (TALLY_METRICS_URLS scraped by a real Prometheus every second, OTLP export of metrics
# and traces to a local sink that accepts everything), one with both off; POST /api/billing/report_usage
# (real JWT, unique Idempotency-Key per request) against each in alternating rounds, so both see the
# same machine load. Prints medians and the ratio on/off.
#   bench/telemetry.sh [--rounds 6] [--duration 5s] [--connections 64] [--warmup 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=6 DURATION=5s CONNECTIONS=64 WARMUP=20s
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source bench/release-lib.sh
source bench/wrk-lib.sh
source scripts/prometheus.sh
PID_OFF="" SINK=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; [ -n "$PID_OFF" ] && kill $PID_OFF 2>/dev/null; [ -n "$SINK" ] && kill $SINK 2>/dev/null; prometheus_stop; wait 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT

export TALLY_ADMIN_EMAILS=bench@example.com
export Logging__LogLevel__Default=Warning
export TOKEN=$(cd "$WORK" && dotnet "$DLL" token --email bench@example.com --ttl 2h)
AUTH="Authorization: Bearer $TOKEN"

# The OTLP sink: answers 200 to every export (http/protobuf), so the exporter's whole path runs.
SINK_PORT=$(pg_free_port)
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$SINK_PORT" &
SINK=$!

start() { # start NAME PORT [ENV...] -> pid
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && exec env DATABASE_URL="$WORK/$name/tally.db" "$@" dotnet "$DLL" serve --urls "http://127.0.0.1:$port" >"$WORK/$name/server.log" 2>&1) &
  echo $!
}
ON_PORT=$(pg_free_port); METRICS_PORT=$(pg_free_port)
PID=$(start on "$ON_PORT" TALLY_METRICS_URLS="http://127.0.0.1:$METRICS_PORT" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" \
  OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_METRIC_EXPORT_INTERVAL=5000)
OFF_PORT=$(pg_free_port)
while [ "$OFF_PORT" = "$ON_PORT" ] || [ "$OFF_PORT" = "$METRICS_PORT" ]; do OFF_PORT=$(pg_free_port); done
PID_OFF=$(start off "$OFF_PORT")
for port in "$ON_PORT" "$OFF_PORT"; do
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf -X POST -H "$AUTH" "http://127.0.0.1:$port/api/stripe/create_customer" >/dev/null
  curl -sf -X POST -H "$AUTH" -H "Content-Type: application/json" -d '{"payment_method_id":"pm_card_visa"}' "http://127.0.0.1:$port/api/stripe/attach_payment_method" >/dev/null
  curl -sf -X POST -H "$AUTH" "http://127.0.0.1:$port/api/billing/subscriptions" >/dev/null
done
prometheus_start
printf '[{"targets":["127.0.0.1:%s"],"labels":{"bench":"on"}}]' "$METRICS_PORT" >"$TALLY_TEST_PROMETHEUS_TARGETS/on.json"

run() { # run PORT -> "rps p50_ms p99_ms"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/usage/report.lua "http://127.0.0.1:$1/api/billing/report_usage")
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  [ -n "$non2xx" ] && { echo "non-2xx answers during the run: $non2xx" >&2; exit 1; }
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(to_ms "$(echo "$out" | awk '$1=="50%" {print $2}')") $(to_ms "$(echo "$out" | awk '$1=="99%" {print $2}')")"
}

for port in "$ON_PORT" "$OFF_PORT"; do
  wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s bench/usage/report.lua "http://127.0.0.1:$port/api/billing/report_usage" >/dev/null
done
: >"$WORK/on.txt"; : >"$WORK/off.txt"
for r in $(seq 1 "$ROUNDS"); do
  # Alternate which goes first, so neither always follows the other's flush.
  if [ $((r % 2)) = 1 ]; then run "$ON_PORT" >>"$WORK/on.txt"; run "$OFF_PORT" >>"$WORK/off.txt"
  else run "$OFF_PORT" >>"$WORK/off.txt"; run "$ON_PORT" >>"$WORK/on.txt"; fi
done

accepted=$(curl -sf "$TALLY_TEST_PROMETHEUS/api/v1/query" --data-urlencode 'query=sum(tally_usage_reports_total{bench="on",tally_outcome="accepted"})' | sed -E 's/.*"value":\[[0-9.]+,"([0-9.e+]+)"\].*/\1/')
col() { cut -d' ' -f"$2" "$WORK/$1.txt" | median; }
echo "SQLite, rounds: $ROUNDS x $DURATION alternating, wrk -t2 -c$CONNECTIONS, medians; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s %12s %10s %10s\n" "report_usage" "req/s" "p50 ms" "p99 ms"
printf "%-34s %12s %10s %10s\n" "telemetry on (Prometheus + OTLP)" "$(col on 1)" "$(col on 2)" "$(col on 3)"
printf "%-34s %12s %10s %10s\n" "telemetry off" "$(col off 1)" "$(col off 2)" "$(col off 3)"
echo "rounds on:  $(cut -d' ' -f1 "$WORK/on.txt" | tr '\n' ' ')"
echo "rounds off: $(cut -d' ' -f1 "$WORK/off.txt" | tr '\n' ' ')"
awk -v on="$(col on 1)" -v off="$(col off 1)" 'BEGIN { printf "ratio on/off = %.3f (target >= 0.9)\n", on/off }'
echo "Prometheus saw accepted reports on the 'on' process: $accepted"
