#!/usr/bin/env bash
# A throwaway Redis on a free loopback port, for the tests of the second-level cache.
#   source scripts/redis.sh; redis_start -> exports TALLY_TEST_REDIS=redis://127.0.0.1:PORT; redis_stop stops it.
# Installs Debian's redis-server when it is missing.

redis_start() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server not found: installing Debian's redis-server" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2 || return 1
  fi
  REDIS_DIR=$(mktemp -d /tmp/tally-redis.XXXXXX)
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" || return 1
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  export TALLY_TEST_REDIS="redis://127.0.0.1:$port"
  echo "Redis on 127.0.0.1:$port" >&2
}

redis_stop() {
  [ -n "${REDIS_DIR:-}" ] || return 0
  [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}
