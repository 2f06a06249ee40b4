#!/bin/sh
# threads.sh — how llama.cpp's speed depends on threads when other programs hold cores: for
# 0, 1 and 2 CPU-bound programs beside it (sh busy loops) and 1 and 2 threads, `slmscope bench`
# on a twin, alternating the cells over ROUNDS rounds, and prints the median tok/s per cell with
# what the run's interference sampler saw. Run it on an otherwise quiet machine:
#   BIN=bin/slmscope ROUNDS=3 sh scripts/threads.sh
set -eu
BIN=${BIN:-bin/slmscope}
ROUNDS=${ROUNDS:-3}
MODEL=${MODEL:-twin:smollm2-135m}
QUANT=${QUANT:-q8_0}
out=$(mktemp -d)
trap 'kill $(cat "$out"/pids 2>/dev/null) 2>/dev/null || true; rm -rf "$out"' EXIT
"$BIN" bench --model "$MODEL" --quant "$QUANT" --repeat 1 --gen-tokens 8 --prompt-tokens 16 --threads 1 >/dev/null 2>&1 # writes the twin once
busy() { : >"$out/pids"; i=0; while [ "$i" -lt "$1" ]; do sh -c 'while :; do :; done' & echo $! >>"$out/pids"; i=$((i + 1)); done; sleep 1; }
calm() { kill $(cat "$out/pids") 2>/dev/null || true; : >"$out/pids"; sleep 2; }
r=1
while [ "$r" -le "$ROUNDS" ]; do
    for b in 0 1 2; do
        busy "$b"
        for t in 1 2; do
            "$BIN" bench --model "$MODEL" --quant "$QUANT" --repeat 1 --prompt-tokens 128 --gen-tokens 64 --threads "$t" --json 2>/dev/null |
                python3 -c 'import json,sys; d=json.load(sys.stdin); i=d.get("interference",{}); print(d["gen_tps"], i.get("other_cpu_cores",0))' \
                >>"$out/b$b-t$t" || echo "nan nan" >>"$out/b$b-t$t"
        done
        calm
    done
    r=$((r + 1))
done
echo "busy programs | threads | generation tok/s (median of $ROUNDS; each run) | other programs seen (cores)"
for b in 0 1 2; do
    for t in 1 2; do
        python3 - "$out/b$b-t$t" "$b" "$t" <<'PY'
import sys, statistics
rows=[l.split() for l in open(sys.argv[1]) if l.strip()]
tps=[float(a) for a,_ in rows if a!='nan']; oth=[float(b) for _,b in rows if b!='nan']
med=statistics.median(tps) if tps else float('nan')
print(f"{sys.argv[2]} | {sys.argv[3]} | {med:.1f} ({', '.join(f'{x:.1f}' for x in tps)}) | {statistics.median(oth) if oth else float('nan'):.2f}")
PY
    done
done
