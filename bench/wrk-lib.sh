# Helpers shared by the wrk-based benchmarks (sourced by api-auth.sh, usage.sh and usage-rows.sh).

# to_ms VALUE: wrk's latency (e.g. 850.12us, 1.20ms, 2.01s) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'; }

# median: the median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END { if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
