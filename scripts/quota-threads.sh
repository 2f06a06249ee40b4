#!/bin/sh
# quota-threads.sh — how llama.cpp's speed depends on threads inside a CPU quota (a container's
# or a systemd unit's cgroup cpu.max, v1 cpu.cfs_quota_us): for each quota in QUOTAS (cores;
# "none" runs outside any quota) and 1 and 2 threads, `slmscope bench` on each twin in MODELS
# (ID:QUANT), alternating the cells over ROUNDS rounds (the quotas in reverse order every other
# round, so a machine that drifts during the script does not favour one quota), and prints the median generation tok/s
# per cell. Needs root for the cgroup. Run it on an otherwise quiet machine:
#   BIN=bin/slmscope ROUNDS=2 QUOTAS="none 1.5 1.0" sh scripts/quota-threads.sh
set -eu
BIN=$(realpath "${BIN:-bin/slmscope}")
ROUNDS=${ROUNDS:-2}
QUOTAS=${QUOTAS:-none 1.5 1.0}
MODELS=${MODELS:-llama-3.2-1b:q4_k_m qwen3-4b:q4_k_m}
out=$(mktemp -d)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cgroot=/sys/fs/cgroup; else cgroot=/sys/fs/cgroup/cpu; fi
trap 'for d in "$cgroot"/slmscope-quota-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; rm -rf "$out"' EXIT

# inq QUOTA CMD...: runs CMD inside a new cgroup with that quota (none: as it is).
inq() {
    q=$1; shift
    [ "$q" = none ] && { "$@"; return; }
    us=$(awk -v q="$q" 'BEGIN { printf "%d", q * 100000 }')
    cg="$cgroot/slmscope-quota-$us"; mkdir -p "$cg"
    if [ "$cgroot" = /sys/fs/cgroup ]; then echo "$us 100000" >"$cg/cpu.max"
    else echo 100000 >"$cg/cpu.cfs_period_us"; echo "$us" >"$cg/cpu.cfs_quota_us"; fi
    sh -c 'echo $$ >"$0/cgroup.procs" && shift && exec "$@"' "$cg" -- "$@"
}

for m in $MODELS; do # writes each twin once, outside the timing
    "$BIN" bench --model "twin:${m%%:*}" --quant "${m#*:}" --repeat 1 --gen-tokens 4 --prompt-tokens 8 --threads 1 >/dev/null 2>&1
done
r=1
while [ "$r" -le "$ROUNDS" ]; do
    order=$QUOTAS
    [ $((r % 2)) -eq 0 ] && order=$(echo "$QUOTAS" | tr ' ' '\n' | sed '1!G;h;$!d' | tr '\n' ' ')
    for m in $MODELS; do
        for q in $order; do
            for t in 1 2; do
                inq "$q" "$BIN" bench --model "twin:${m%%:*}" --quant "${m#*:}" --repeat 1 --prompt-tokens 128 --gen-tokens 64 --threads "$t" --json 2>/dev/null |
                    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["gen_tps"])' >>"$out/$m-$q-$t" || echo nan >>"$out/$m-$q-$t"
            done
        done
    done
    r=$((r + 1))
done
echo "model | CPU quota (cores) | threads | generation tok/s (median of $ROUNDS; each run)"
for m in $MODELS; do
    for q in $QUOTAS; do
        for t in 1 2; do
            python3 - "$out/$m-$q-$t" "$m" "$q" "$t" <<'PY'
import sys, statistics
tps = [float(l) for l in open(sys.argv[1]) if l.strip() and l.strip() != 'nan']
med = statistics.median(tps) if tps else float('nan')
print(f"{sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {med:.2f} ({', '.join(f'{x:.2f}' for x in tps)})")
PY
        done
    done
done
