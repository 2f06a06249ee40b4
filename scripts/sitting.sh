#!/bin/sh
# sitting.sh — one sitting of issue 22's goals as a new user meets them: a fresh home folder, the
# default `slmscope calibrate` (twins written from nothing unless TWINS names a folder), its
# `project --validate` quality, then each model of MODELS projected BEFORE it runs, measured
# with `slmscope bench`, and followed by `slmscope pace` (the calibration's reference twin run
# again: was the machine at its calibrated pace?). Prints a Markdown table; keeps every JSON
# in OUT.
#
#   BIN=bin/slmscope sh scripts/sitting.sh                     # the default sitting
#   THREADS=1 sh scripts/sitting.sh                            # calibrate and bench on 1 thread
#   QUOTA=1.5 sh scripts/sitting.sh                            # inside a CPU quota of 1.5 cores
#   MODELS="qwen3-4b:q4_k_m gpt-oss-20b:mxfp4_moe" sh scripts/sitting.sh
#
# QUOTA puts the whole sitting into a cgroup with that CPU quota (cgroup v2 cpu.max or v1
# cpu.cfs_quota_us; needs root). TWINS=DIR reuses twins already written there for the models
# (not for the ladder unless LADDER_TWINS=1), which saves minutes on large twins; each is dropped
# from the page cache first, as the app leaves a twin it writes. The fresh home's own twins are
# removed at the end (KEEP_TWINS=1 keeps them). Run it on an otherwise quiet machine; report
# every sitting, failed ones too.
set -eu
BIN=$(cd "$(dirname "${BIN:-bin/slmscope}")" && pwd)/$(basename "${BIN:-bin/slmscope}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODELS=${MODELS:-"llama-3.1-8b:q4_0 llama-3.1-8b:q4_k_m"}
OUT=${OUT:-$(mktemp -d /tmp/sitting.XXXXXX)}
mkdir -p "$OUT/home"
[ -x "$BIN" ] || { echo "sitting: no $BIN (make build)" >&2; exit 1; }

if [ -n "${QUOTA:-}" ] && [ -z "${SITTING_IN_QUOTA:-}" ]; then
    us=$(awk -v q="$QUOTA" 'BEGIN { printf "%d", q * 100000 }')
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        cg=/sys/fs/cgroup/slmscope-sitting; mkdir -p "$cg"; echo "$us 100000" >"$cg/cpu.max"
    else
        cg=/sys/fs/cgroup/cpu/slmscope-sitting; mkdir -p "$cg"
        echo 100000 >"$cg/cpu.cfs_period_us"; echo "$us" >"$cg/cpu.cfs_quota_us"
    fi
    echo "sitting: CPU quota $QUOTA cores ($cg)" >&2
    sh -c "echo \$\$ >$cg/cgroup.procs && exec env SITTING_IN_QUOTA=1 OUT=$OUT BIN=$BIN sh $0"
    exit $?
fi

export HOME="$OUT/home" SLMSCOPE_RUNTIME_DIR="$ROOT/.runtime"
unset XDG_CACHE_HOME XDG_CONFIG_HOME XDG_DATA_HOME SLMSCOPE_RUNS
[ -n "${LADDER_TWINS:-}" ] && [ -n "${TWINS:-}" ] && export SLMSCOPE_TWIN_DIR="$TWINS"
th=""; [ -n "${THREADS:-}" ] && th="--threads $THREADS"
# the projection and the bench at one context, so their memory compares like with like (the
# bench's default for its 512 + 128 tokens; `project` defaults to 4096)
CTX=${CTX:-2048}
cd "$OUT"
{ date -u +%FT%TZ; uptime; } >sitting.txt
t0=$(date +%s)
# shellcheck disable=SC2086
"$BIN" calibrate --json $th >cal.json 2>cal.err || echo "calibrate failed: $(tail -n 2 cal.err)" >>sitting.txt
echo "calibrate: $(($(date +%s) - t0)) s" >>sitting.txt
"$BIN" project --validate --json >validate.json 2>validate.err || true
for mq in $MODELS; do
    m=${mq%%:*}; q=${mq##*:}
    "$BIN" project --model "$m" --quant "$(echo "$q" | tr a-z A-Z)" --context "$CTX" --json >"p-$m-$q.json" 2>"p-$m-$q.err" || true
    if [ -n "${TWINS:-}" ]; then
        export SLMSCOPE_TWIN_DIR="$TWINS"
        # as the app leaves a twin it writes (twin.Write): out of the page cache, read from disk
        for f in "$TWINS/$m.$q".twin*.gguf; do
            [ -f "$f" ] && dd if="$f" iflag=nocache count=0 status=none
        done
    fi
    # shellcheck disable=SC2086
    "$BIN" bench --model "twin:$m" --quant "$q" --repeat 1 --context "$CTX" --json $th >"b-$m-$q.json" 2>"b-$m-$q.err" || true
    [ -n "${LADDER_TWINS:-}" ] || unset SLMSCOPE_TWIN_DIR
    # was the machine at its calibrated pace just after this run? (its reference twin again)
    "$BIN" pace --json >"pace-$m-$q.json" 2>"pace-$m-$q.err" || true
done
{ date -u +%FT%TZ; uptime; } >>sitting.txt
python3 "$ROOT/scripts/sitting_table.py" "$OUT" "$MODELS"
# the fresh home's twins are 5-8 GB a sitting: six sittings and a quantizer run filled a 92 GB
# disk (2026-12-07). KEEP_TWINS=1 keeps them; the calibration and every JSON stay either way.
[ -n "${KEEP_TWINS:-}" ] || rm -rf "$OUT/home/.cache/slmscope/twins"
echo "sitting: kept in $OUT" >&2
