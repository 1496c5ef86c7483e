#!/usr/bin/env bash
# Runs Tally's whole test suite: builds, starts a throwaway PostgreSQL (and Redis, Prometheus), runs every test project on
# SQLite and the database-touching ones again on PostgreSQL, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Test projects that touch the database run twice: SQLite, then PostgreSQL.
DB_TEST_PROJECTS=(tests/Tally.Api.Tests tests/Tally.E2E.Tests)
RESULTS=$(mktemp -d /tmp/tally-test-results.XXXXXX)
passed=0
failed=0

source scripts/postgres.sh
source scripts/redis.sh
source scripts/prometheus.sh
cleanup() { pg_stop; redis_stop; prometheus_stop; rm -rf "$RESULTS"; }
trap cleanup EXIT

finish() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# The browser tests (tests/Tally.E2E.Tests) drive Debian's Chromium headless.
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (browser tests)"
  { apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1; }; } \
    || echo "!! could not install chromium; the browser tests will fail"
fi

echo "== restore and build"
if ! dotnet build Tally.slnx -c Debug -nologo -clp:ErrorsOnly; then
  failed=$((failed + 1)); echo "build failed"; finish
fi

# Code style (.editorconfig): whitespace, then using order and the IDE rules at warning severity.
# Any difference counts as one failed test; `dotnet format Tally.slnx` applies the fixes it can.
# (The analyzers pass of a plain `dotnet format` is left out: analyzer warnings already fail the
# build, and that pass doubles the time.)
echo "== format"
format_out=$(dotnet format whitespace . --folder --verify-no-changes 2>&1)
format_code=$?
style_out=$(dotnet format style Tally.slnx --verify-no-changes --no-restore 2>&1)
style_code=$?
if [ "$format_code" -ne 0 ] || [ "$style_code" -ne 0 ]; then
  printf '%s\n%s\n' "$format_out" "$style_out" | grep -v '^$' | sed "s|$PWD/||g" | head -100
  echo "!! dotnet format --verify-no-changes failed (whitespace exit $format_code, style exit $style_code); fix with: dotnet format Tally.slnx; counting as one failed test"
  failed=$((failed + 1))
fi

# run_tests LABEL ARGS...: one dotnet test run; its TRX counters are added to the totals.
run_tests() {
  local label=$1; shift
  local dir="$RESULTS/$label"
  echo "== tests: $label"
  dotnet test "$@" --no-build --results-directory "$dir" --report-xunit-trx --no-progress --no-ansi
  local code=$?
  local counts run_passed=0 run_failed=0
  counts=$(grep -ho '<Counters [^>]*>' "$dir"/*.trx 2>/dev/null || true)
  if [ -n "$counts" ]; then
    run_passed=$(echo "$counts" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}')
    run_failed=$(echo "$counts" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}')
  fi
  if [ "$code" -ne 0 ] && [ "$run_failed" -eq 0 ]; then
    echo "!! $label: dotnet test exited $code without a failed test in its report; counting the run as failed"
    run_failed=1
  fi
  echo "== $label: $run_passed passed, $run_failed failed"
  passed=$((passed + run_passed))
  failed=$((failed + run_failed))
}

# Redis backs the second-level cache tests in both runs; Prometheus scrapes the metrics tests' Tally.
redis_start || { echo "!! could not start Redis"; failed=$((failed + 1)); }
prometheus_start || { echo "!! could not start Prometheus"; failed=$((failed + 1)); }

# One run per project, each with its own results directory: in one solution-wide run two projects
# can write their TRX reports under the same file name, and the totals would lose one of them.
for project in tests/*/; do
  project=${project%/}
  [ -n "$(ls "$project"/*.csproj 2>/dev/null)" ] || continue
  run_tests "sqlite-$(basename "$project")" --project "$project"
done

if pg_start; then
  for project in "${DB_TEST_PROJECTS[@]}"; do
    run_tests "postgres-$(basename "$project")" --project "$project"
  done
else
  echo "!! could not start PostgreSQL"; failed=$((failed + 1))
fi

finish
