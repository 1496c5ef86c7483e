# Shared start of the benchmarks that run Tally's Release build (sourced from the repository root):
# builds it, sets DLL (its path) and WORK (a scratch directory), loads scripts/postgres.sh, and on exit
# stops the Tally started as $PID, the PostgreSQL cluster if one was started, and removes WORK.
# Exports a signing key so the benchmark can issue real tokens.
dotnet build src/Tally.Api -c Release -nologo -clp:ErrorsOnly >/dev/null
DLL=$PWD/src/Tally.Api/bin/Release/net10.0/Tally.Api.dll
WORK=$(mktemp -d /tmp/tally-bench.XXXXXX)
source scripts/postgres.sh
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
export TALLY_JWT_SIGNING_KEY="bench-signing-key-$(date +%s)-long-enough-for-hs256"
