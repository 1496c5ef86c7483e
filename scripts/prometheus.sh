#!/usr/bin/env bash
# A throwaway Prometheus on a free loopback port, for the tests that check Tally's metrics as scraped.
#   source scripts/prometheus.sh; prometheus_start -> exports
#     TALLY_TEST_PROMETHEUS=http://127.0.0.1:PORT          (its HTTP API, for PromQL queries)
#     TALLY_TEST_PROMETHEUS_TARGETS=/tmp/.../targets       (a test writes <name>.json there naming the
#                                                            Tally it runs; Prometheus picks it up within a second)
#   prometheus_stop stops it and deletes its directory.
# Scrapes every second. Installs Debian's prometheus when it is missing (its service is not started).

prometheus_start() {
  if ! command -v prometheus >/dev/null 2>&1; then
    echo "prometheus not found: installing Debian's prometheus" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus >&2 || return 1
    # The package starts a system Prometheus on :9090; the tests need none.
    $sudo systemctl stop prometheus >/dev/null 2>&1 || $sudo service prometheus stop >/dev/null 2>&1 || true
  fi
  PROMETHEUS_DIR=$(mktemp -d /tmp/tally-prometheus.XXXXXX)
  mkdir -p "$PROMETHEUS_DIR/targets" "$PROMETHEUS_DIR/data"
  cat >"$PROMETHEUS_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: tally
    file_sd_configs:
      - files: ['$PROMETHEUS_DIR/targets/*.json']
        refresh_interval: 1s
YAML
  local port attempt
  # A port free when probed can be taken before Prometheus binds it: then try another, up to 3 times.
  for attempt in 1 2 3; do
    for _ in $(seq 1 50); do
      port=$(( 20000 + RANDOM % 40000 ))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    prometheus --config.file="$PROMETHEUS_DIR/prometheus.yml" --storage.tsdb.path="$PROMETHEUS_DIR/data" \
      --web.listen-address="127.0.0.1:$port" --log.level=warn >"$PROMETHEUS_DIR/prometheus.log" 2>&1 &
    echo $! >"$PROMETHEUS_DIR/prometheus.pid"
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
      kill -0 "$(cat "$PROMETHEUS_DIR/prometheus.pid")" 2>/dev/null || break
      sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
    kill "$(cat "$PROMETHEUS_DIR/prometheus.pid")" 2>/dev/null
    wait "$(cat "$PROMETHEUS_DIR/prometheus.pid")" 2>/dev/null
  done
  if ! curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
    cat "$PROMETHEUS_DIR/prometheus.log" >&2
    prometheus_stop
    return 1
  fi
  export TALLY_TEST_PROMETHEUS="http://127.0.0.1:$port"
  export TALLY_TEST_PROMETHEUS_TARGETS="$PROMETHEUS_DIR/targets"
  echo "Prometheus on 127.0.0.1:$port" >&2
}

prometheus_stop() {
  [ -n "${PROMETHEUS_DIR:-}" ] || return 0
  if [ -f "$PROMETHEUS_DIR/prometheus.pid" ]; then
    local pid
    pid=$(cat "$PROMETHEUS_DIR/prometheus.pid")
    kill "$pid" 2>/dev/null && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$PROMETHEUS_DIR"
  PROMETHEUS_DIR=""
  unset TALLY_TEST_PROMETHEUS TALLY_TEST_PROMETHEUS_TARGETS
}
