#!/usr/bin/env bash
# PostgreSQL's floor for the usage ledger: microseconds of server time per inserted usage row, in the
# migrated usage_records (six indexes) and in copies with only the idempotency index or none, measured
# inside the server (bench/usage/insert-floor.sql), so no client, network or Tally cost is included.
# What the ingest targets of bench/usage.sh need from the database is compared against it in bench/README.
#   bench/usage-floor.sh [--rounds 50]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=50
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

source bench/release-lib.sh
pg_start
export DATABASE_URL="$TALLY_TEST_POSTGRES" TALLY_STRIPE_EMULATOR=true
(cd "$WORK" && dotnet "$DLL" migrate >/dev/null)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PG_BIN/psql" "$TALLY_TEST_POSTGRES" -q -v rounds="$ROUNDS" -f bench/usage/insert-floor.sql
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
