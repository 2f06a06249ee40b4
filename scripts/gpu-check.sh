#!/bin/sh
# gpu-check.sh checks slmscope on a real GPU in one go and prints one JSON summary.
#
#   sh scripts/gpu-check.sh prepare DIR   here (with .runtime set up): put in DIR what the GPU
#                                         machine needs: the command-line binary (built with
#                                         -tags nogui, CGO_ENABLED=0), the pinned Vulkan build
#                                         of llama.cpp (hash checked), the twins' tokenizers and
#                                         the Vulkan loader's Debian package
#   sh scripts/gpu-check.sh run DIR [OUT] on the GPU machine (Linux x86-64, a GPU driver with
#                                         Vulkan, no network needed): runs the steps below and
#                                         writes summary.json, log.txt and steps.tar.gz to OUT
#
# Steps: the Vulkan build; NVML's GPUs against llama.cpp's device list (probe); a twin bench at
# full offload, at partial offload and on the CPU; a short calibration (CPU ladder, then GPU
# ladder); two 8B twins projected, then measured, at full and at partial offload: Llama-3.1-8B
# (on the GPU ladder in other quants) and Qwen3-8B (on no ladder), and the Llama on the CPU. It
# takes about 5 minutes on one GPU with 16 cores; each step has a time limit.
set -eu

say() { printf 'gpu-check: %s\n' "$*" >&2; }
die() { printf 'gpu-check: error: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VOCABS="starcoder llama-bpe qwen2 llama-spm phi-3"
VK_TGZ=node-llama-cpp-linux-x64-vulkan-3.22.1.tgz

prepare() {
    dir=$1
    rt="$ROOT/.runtime"
    [ -f "$rt/downloads/$VK_TGZ" ] || die "no $rt/downloads/$VK_TGZ: run make setup"
    want=$(awk -F'\t' '$1=="runtime-linux-x64-vulkan" {print $3}' "$ROOT/engine/assets/pins.tsv")
    got=$(sha512sum "$rt/downloads/$VK_TGZ" | cut -d' ' -f1)
    [ "$got" = "$(printf '%s' "${want#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')" ] || die "$VK_TGZ does not match its pin"
    rm -rf "$dir"; mkdir -p "$dir/vocab" "$dir/debs"
    (cd "$ROOT" && CGO_ENABLED=0 go build -tags nogui -trimpath -ldflags='-s -w' -o "$dir/slmscope" .)
    cp "$rt/downloads/$VK_TGZ" "$dir/"
    for v in $VOCABS; do cp "$rt/vocab/ggml-vocab-$v.gguf" "$dir/vocab/"; done
    cp "$rt/vocab/.pinned" "$dir/vocab/"
    # The Vulkan loader (libvulkan1) and GL vendor-neutral dispatch (glvnd: NVIDIA's Vulkan ICD
    # is libGLX_nvidia.so.0, which needs libGLdispatch.so.0), in case the GPU machine lacks
    # them (a container with the driver mounted and nothing else); unpacked there only then.
    lists=$(mktemp -d)
    mkdir -p "$lists/partial"
    o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
    # shellcheck disable=SC2086
    apt-get $o update -qq >/dev/null 2>&1 && (cd "$dir/debs" && apt-get $o download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2 >/dev/null 2>&1) ||
        say "could not download libvulkan1: the GPU machine must have its own Vulkan loader"
    rm -rf "$lists"
    du -sh "$dir" >&2
}

# step NAME LIMIT CMD...: runs CMD with a time limit, its stdout in $S/NAME.json, stderr in the log.
step() {
    name=$1 limit=$2; shift 2
    t0=$(date +%s.%N)
    say "$name: $*"
    if timeout "$limit" "$@" >"$S/$name.json" 2>>"$LOG"; then rc=0; else rc=$?; fi
    printf '%s\t%s\t%s\n' "$name" "$rc" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" >>"$S/steps.tsv"
}

# setup DIR [OUT]: the working folder, the runtime as the portable folder lays it out, the Vulkan
# loader where the machine lacks one, and the environment every step runs in.
setup() {
    dir=$(cd "$1" && pwd)
    OUTDIR=${2:-$dir/out}
    mkdir -p "$OUTDIR"
    W=$(mktemp -d /tmp/gpu-check.XXXXXX)
    S="$W/steps"; LOG="$OUTDIR/log.txt"; mkdir -p "$S"; : >"$LOG"; : >"$S/steps.tsv"
    # The runtime folder as the portable folder lays it out: the Vulkan build only (it carries
    # the CPU backends too; --device cpu turns its op offload off).
    RT="$W/runtime"; mkdir -p "$RT/llama"
    tar xzf "$dir/$VK_TGZ" -C "$W"
    mv "$W/package/bins/linux-x64-vulkan" "$RT/llama/linux-x64-vulkan"
    (cd "$RT/llama/linux-x64-vulkan" && ln -sf libllama.vulkan.v0.5.0.so libllama.so && ln -sf libggml.vulkan.v0.5.0.so libggml.so)
    cp -r "$dir/vocab" "$RT/vocab"
    if ! ldconfig -p | grep -q 'libvulkan.so.1 ' || ! ldconfig -p | grep -q 'libGLdispatch.so.0 '; then
        for d in "$dir"/debs/*.deb; do [ -f "$d" ] && dpkg -x "$d" / ; done
        ldconfig
    fi
    if ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
        for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
            [ -f "$f" ] && export VK_DRIVER_FILES="$f" && break
        done
    fi
    # What the Vulkan loader finds, for the log.
    echo | VK_LOADER_DEBUG=error,warn SLMSCOPE_RUNTIME_DIR="$RT" timeout 60 "$dir/slmscope" worker 2>&1 | grep -iE 'vulkan|ggml_vk|loader' >>"$LOG" || true
    export SLMSCOPE_RUNTIME_DIR="$RT" HOME="$W/home" XDG_CACHE_HOME="$W/home/.cache" XDG_CONFIG_HOME="$W/home/.config"
    mkdir -p "$HOME"
    B="$dir/slmscope"
    nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version --format=csv,noheader >"$S/nvidia-smi.txt" 2>&1 || true

    # Two cores left to the machine's own services, for every run: a calibration refuses runs
    # other programs disturbed, and with every core in use even a little other work does.
    T=$(($(nproc) - 2))
}

run() {
    setup "$@"
    step probe 90 "$B" probe --json
    step bench-full 120 "$B" bench --model twin:smollm2-135m --quant q8_0 --device auto --gpu-layers auto --repeat 2 --threads "$T" --json
    step bench-partial 120 "$B" bench --model twin:smollm2-135m --quant q8_0 --device auto --gpu-layers 16 --repeat 2 --threads "$T" --json
    step bench-cpu 120 "$B" bench --model twin:smollm2-135m --quant q8_0 --device cpu --repeat 2 --threads "$T" --json
    step calibrate 300 "$B" calibrate --budget 60s --gpu-budget 90s --threads "$T" --json
    # Every projection before any run: a run of the same model and quant would replace it.
    # Llama-3.1-8B is on the GPU ladder in Q4_0 and Q8_0; Qwen3-8B (36 blocks, another
    # architecture) is on no ladder, so its projection is held out.
    step project-8b-full 60 "$B" project --model llama-3.1-8b --quant Q4_K_M --context 2048 --prompt 512 --json
    step project-8b-partial 60 "$B" project --model llama-3.1-8b --quant Q4_K_M --context 2048 --prompt 512 --gpu-layers 17 --json
    step project-q3-full 60 "$B" project --model qwen3-8b --quant Q4_K_M --context 2048 --prompt 512 --json
    step project-q3-partial 60 "$B" project --model qwen3-8b --quant Q4_K_M --context 2048 --prompt 512 --gpu-layers 19 --json
    step bench-8b-full 150 "$B" bench --model twin:llama-3.1-8b --quant q4_k_m --device auto --gpu-layers auto --repeat 1 --threads "$T" --json
    step bench-8b-partial 150 "$B" bench --model twin:llama-3.1-8b --quant q4_k_m --device auto --gpu-layers 17 --repeat 1 --threads "$T" --json
    step bench-8b-cpu 150 "$B" bench --model twin:llama-3.1-8b --quant q4_k_m --device cpu --repeat 1 --threads "$T" --json
    step bench-q3-full 150 "$B" bench --model twin:qwen3-8b --quant q4_k_m --device auto --gpu-layers auto --repeat 1 --threads "$T" --json
    step bench-q3-partial 150 "$B" bench --model twin:qwen3-8b --quant q4_k_m --device auto --gpu-layers 19 --repeat 1 --threads "$T" --json

    python3 - "$S" >"$OUTDIR/summary.json" <<'EOF'
import json, os, sys
s = sys.argv[1]
def load(n):
    try:
        with open(os.path.join(s, n + ".json")) as f:
            return json.load(f)
    except Exception as e:
        return {"error": str(e)}
steps = [dict(zip(("step", "rc", "seconds"), l.split("\t"))) for l in open(os.path.join(s, "steps.tsv")).read().split("\n") if l]
probe = load("probe")
out = {"steps": steps, "nvidia_smi": open(os.path.join(s, "nvidia-smi.txt")).read().strip(),
       "nvml_gpus": [{k: g.get(k) for k in ("name", "vendor", "memory_total_bytes", "memory_free_bytes", "bandwidth_gbps", "bandwidth_source", "driver", "compute_capability")} for g in probe.get("gpus") or []],
       "llama_devices": probe.get("llama_devices"), "llama_devices_note": probe.get("llama_devices_note")}
def bench(n):
    b = load(n)
    if "error" in b and "gen_tps" not in b:
        return b
    p = b.get("placement") or {}
    return {k: b.get(k) for k in ("device", "gpu_layers", "gen_tps", "llama_gen_tps", "prompt_tps", "ttft_ms", "load_ms", "worker_start_ms", "threads")} | {
        "offloaded": p.get("offloaded"), "why": p.get("placement_why"), "build": p.get("llama_build"), "build_note": p.get("llama_build_note"), "buffers": p.get("buffers")}
for n in ("bench-full", "bench-partial", "bench-cpu", "bench-8b-full", "bench-8b-partial", "bench-8b-cpu", "bench-q3-full", "bench-q3-partial"):
    out[n] = bench(n)
cal = load("calibrate")
out["calibrate"] = {"measurements": [{k: m.get(k) for k in ("model_id", "quant", "device", "gen_tps", "prompt_tps")} for m in (cal.get("measurements") or [])],
                    "notes": cal.get("notes"), "quality": cal.get("quality"), "error": cal.get("error")}
for kind in ("8b-full", "8b-partial", "q3-full", "q3-partial"):
    pr = load("project-" + kind)
    rows = pr.get("models") or []
    row = rows[0] if rows else {}
    meas = out.get("bench-" + kind) or {}
    proj = {k: row.get(k) for k in ("decode_tps", "decode_tps_low", "decode_tps_high", "device", "verdict", "basis", "calibrated", "source")}
    if row.get("decode_tps") and meas.get("gen_tps"):
        proj["error_pct"] = round(100 * (row["decode_tps"] - meas["gen_tps"]) / meas["gen_tps"], 1)
        proj["inside_band"] = (row.get("decode_tps_low") or 0) <= meas["gen_tps"] <= (row.get("decode_tps_high") or 0)
    out["project-" + kind] = proj
print(json.dumps(out, indent=1))
EOF
    tar czf "$OUTDIR/steps.tar.gz" -C "$W" steps
    cat "$OUTDIR/summary.json"
}

# offload DIR [OUT]: where a partial offload's time goes. One 8B twin per step, each alone on the
# machine: on the CPU, at 0 layers on the GPU device, at partial and full offload, with and
# without llama.cpp's pinned host buffer (SLMSCOPE_LLAMA_NO_HOST) and repacking
# (SLMSCOPE_LLAMA_NO_REPACK), with fewer threads; the first two again at the end for drift.
offload() {
    setup "$@"
    m="--model twin:llama-3.1-8b --quant q4_k_m --repeat 1 --json"
    q="--model twin:qwen3-8b --quant q4_k_m --repeat 1 --threads $T --json"
    nh=SLMSCOPE_LLAMA_NO_HOST=1 nr=SLMSCOPE_LLAMA_NO_REPACK=1
    # shellcheck disable=SC2086
    {
        step o-cpu 150 "$B" bench $m --threads "$T" --device cpu
        step o-partial 150 "$B" bench $m --threads "$T" --device auto --gpu-layers 17
        step o-full 150 "$B" bench $m --threads "$T" --device auto --gpu-layers auto
        step o-gpu0 150 "$B" bench $m --threads "$T" --device auto --gpu-layers 0
        step o-cpu-nohost 150 env $nh "$B" bench $m --threads "$T" --device cpu
        step o-partial-nohost 150 env $nh "$B" bench $m --threads "$T" --device auto --gpu-layers 17
        step o-cpu-plain 150 env $nh $nr "$B" bench $m --threads "$T" --device cpu
        step o-partial-plain 150 env $nh $nr "$B" bench $m --threads "$T" --device auto --gpu-layers 17
        step o-cpu-t8 150 "$B" bench $m --threads 8 --device cpu
        step o-partial-t8 150 "$B" bench $m --threads 8 --device auto --gpu-layers 17
        step o-q3-cpu 150 "$B" bench $q --device cpu
        step o-q3-partial 150 "$B" bench $q --device auto --gpu-layers 19
        step o-q3-partial-nohost 150 env $nh "$B" bench $q --device auto --gpu-layers 19
        step o-q3-full 150 "$B" bench $q --device auto --gpu-layers auto
        step o-cpu-2 150 "$B" bench $m --threads "$T" --device cpu
        step o-partial-2 150 "$B" bench $m --threads "$T" --device auto --gpu-layers 17
    }
    python3 - "$S" >"$OUTDIR/offload.json" <<'EOF'
import json, os, sys
s = sys.argv[1]
steps = [l.split("\t") for l in open(os.path.join(s, "steps.tsv")).read().split("\n") if l]
out = {}
for name, rc, secs in steps:
    try:
        with open(os.path.join(s, name + ".json")) as f:
            b = json.load(f)
    except Exception as e:
        out[name] = {"rc": rc, "error": str(e)}
        continue
    p = b.get("placement") or {}
    out[name] = {"rc": rc, "seconds": secs, "gen_tps": b.get("gen_tps"), "llama_gen_tps": b.get("llama_gen_tps"),
                 "prompt_tps": b.get("prompt_tps"), "threads": b.get("threads"), "offloaded": p.get("offloaded"),
                 "graph_splits": p.get("graph_splits"), "build": p.get("llama_build"),
                 "buffers": ["%s %s %d MB" % (x["device"], x["kind"], x["bytes"] // 1000000) for x in p.get("buffers") or []]}
print(json.dumps(out, indent=1))
EOF
    grep -h 'splits =' "$LOG" >"$OUTDIR/splits.txt" || true
    tar czf "$OUTDIR/steps.tar.gz" -C "$W" steps
    cat "$OUTDIR/offload.json"
}

case "${1:-}" in
prepare) [ $# -eq 2 ] || die "usage: gpu-check.sh prepare DIR"; prepare "$2" ;;
run) [ $# -ge 2 ] || die "usage: gpu-check.sh run DIR [OUT]"; run "$2" "${3:-}" ;;
offload) [ $# -ge 2 ] || die "usage: gpu-check.sh offload DIR [OUT]"; offload "$2" "${3:-}" ;;
*) die "usage: gpu-check.sh prepare DIR | run DIR [OUT] | offload DIR [OUT]" ;;
esac
