#!/usr/bin/env bash
# Overview page load of a Release build of Tally with the demo data, in Debian's headless Chromium:
# median time from navigation start until the KPI tiles, MRR chart, waterfall and cohort grid are drawn,
# over N loads after one warm-up, against the sign-in page in the same run.
#   bench/dashboard.sh [--loads 7]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/chromium ] || apt-get install -y chromium >/dev/null
dotnet build src/Tally.Api -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build bench/Tally.Bench.Dashboard -c Release -nologo -clp:ErrorsOnly >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Tally.Bench.Dashboard/bin/Release/net10.0/Tally.Bench.Dashboard.dll \
  --dll "$PWD/src/Tally.Api/bin/Release/net10.0/Tally.Api.dll" "$@"
