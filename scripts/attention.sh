#!/bin/sh
# attention.sh — how decode slows as the context fills, measured and projected. For each twin
# of TWINS, `slmscope bench` after SHORT and after LONG prompt tokens (GEN generated, 128 as
# projections assume), and `slmscope project --prompt` at the same two lengths from the
# calibration in $HOME; prints each side's milliseconds per token and what 1000 positions
# more cost. Run it on a quiet machine after `slmscope calibrate`. A twin the calibration
# measured shows its own run moved to each length by the fitted position cost, so the default
# twins are ones the ladder does not measure.
#
#   sh scripts/attention.sh
#   TWINS="smollm2-135m:q8_0 qwen3-0.6b:q5_k_m" LONG=512 sh scripts/attention.sh
#
# Before the kernel model had an attention term it counted only the KV cache's bytes, which
# on 2 cores here was a tenth to a half of what 1000 positions cost (docs/accuracy.md).
set -eu
BIN=${BIN:-bin/slmscope}
TWINS=${TWINS:-"qwen3-1.7b:q4_k_m qwen3-4b:q4_k_m"}
SHORT=${SHORT:-64}
LONG=${LONG:-1024}
GEN=${GEN:-128}
REPEAT=${REPEAT:-1}
OUT=${OUT:-$(mktemp -d /tmp/attention.XXXXXX)}
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "attention: no $BIN (make build)" >&2; exit 1; }

for mq in $TWINS; do
    m=${mq%%:*}; q=${mq##*:}
    for n in "$SHORT" "$LONG"; do
        "$BIN" bench --model "twin:$m" --quant "$q" --prompt-tokens "$n" --gen-tokens "$GEN" \
            --repeat "$REPEAT" --json >"$OUT/b-$m-$q-$n.json" 2>"$OUT/b-$m-$q-$n.err" ||
            echo "attention: bench $m $q after $n failed: $(tail -n 1 "$OUT/b-$m-$q-$n.err")" >&2
        "$BIN" project --model "$m" --quant "$(echo "$q" | tr a-z A-Z)" --prompt "$n" --json \
            >"$OUT/p-$m-$q-$n.json" 2>"$OUT/p-$m-$q-$n.err" || true
    done
done

python3 - "$OUT" "$TWINS" "$SHORT" "$LONG" <<'EOF'
import json, os, sys

out, twins, short, long_ = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4])


def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


print("| Twin | Measured ms/token after %d / %d | per 1000 positions | Projected ms/token | per 1000 positions |" % (short, long_))
print("|---|---|---|---|---|")
for mq in twins:
    m, q = mq.split(":")
    meas, proj = [], []
    for n in (short, long_):
        b = load("b-%s-%s-%d.json" % (m, q, n)) or {}
        p = ((load("p-%s-%s-%d.json" % (m, q, n)) or {}).get("models") or [{}])[0]
        meas.append(b.get("token_ms_p50") or 0)
        proj.append(1000 / p["decode_tps"] if p.get("decode_tps") else 0)
    per = lambda v: (v[1] - v[0]) * 1000 / (long_ - short) if v[0] and v[1] else float("nan")
    print("| %s %s | %.2f / %.2f | %+.2f ms | %.2f / %.2f | %+.2f ms |" % (
        m, q.upper(), meas[0], meas[1], per(meas), proj[0], proj[1], per(proj)))
print("\nkept in %s" % out)
EOF
