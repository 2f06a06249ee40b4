#!/bin/sh
# hugepages.sh — does the worker's request for transparent huge pages (engine/hugepages_linux.go)
# pay on this machine? Alternates `slmscope bench` on one twin with the request turned off
# (GLIBC_TUNABLES=glibc.malloc.hugetlb=0) and on (the default), ROUNDS pairs, each run from a
# file dropped from the page cache, and prints every run and the paired medians. Run it on an
# otherwise quiet machine:
#   BIN=bin/slmscope MODEL=twin:llama-3.1-8b QUANT=q4_k_m ROUNDS=5 sh scripts/hugepages.sh
set -eu
BIN=${BIN:-bin/slmscope}
ROUNDS=${ROUNDS:-5}
MODEL=${MODEL:-twin:llama-3.2-1b}
QUANT=${QUANT:-q4_k_m}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A short first run writes the twin, outside the pairs, and says where it is.
file=$("$BIN" bench --model "$MODEL" --quant "$QUANT" --repeat 1 --gen-tokens 4 --prompt-tokens 8 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
one() { # label, then the environment for this run
    label=$1
    shift
    dd if="$file" iflag=nocache count=0 2>/dev/null || true # read from the disk, like a first run
    env "$@" "$BIN" bench --model "$MODEL" --quant "$QUANT" --repeat 1 --json >"$out/run.json"
    python3 - "$label" "$out/run.json" >>"$out/runs" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))
print(sys.argv[1], d["gen_tps"], d["token_ms_p50"], d["load_ms"], d.get("huge_page_bytes", 0), d["peak_rss_bytes"])
PY
}
r=1
while [ "$r" -le "$ROUNDS" ]; do
    one 4KiB GLIBC_TUNABLES=glibc.malloc.hugetlb=0
    one huge
    r=$((r + 1))
done
python3 - "$out/runs" "$MODEL" "$QUANT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print(f"{sys.argv[2]} {sys.argv[3]}, transparent_hugepage: {open('/sys/kernel/mm/transparent_hugepage/enabled').read().strip()}")
print("pages | tok/s | median token ms | load s | in huge pages GB | peak RSS GB")
for l in rows:
    print(f"{l[0]} | {float(l[1]):.2f} | {float(l[2]):.1f} | {float(l[3])/1e3:.1f} | {float(l[4])/1e9:.2f} | {float(l[5])/1e9:.2f}")
a = [float(l[1]) for l in rows if l[0] == "4KiB"]
b = [float(l[1]) for l in rows if l[0] == "huge"]
pairs = list(zip(a, b))
print(f"median tok/s: 4 KiB {statistics.median(a):.2f}, huge {statistics.median(b):.2f}; "
      f"huge faster in {sum(y > x for x, y in pairs)} of {len(pairs)} pairs, "
      f"median pair ratio {statistics.median(y / x for x, y in pairs):.3f}")
PY
