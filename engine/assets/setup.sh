#!/bin/sh
# setup.sh installs what slmscope needs to build and run, and nothing that is already there.
# It is idempotent and, once it has run, works offline: downloads are kept in .runtime/downloads
# and every tarball is checked against the integrity hash pinned in engine/assets/pins.tsv.
#
#   SLMSCOPE_VARIANT=cuda          also install the CUDA build of the llama.cpp runtime (Linux x64;
#                                  it needs the CUDA 13 runtime: libcudart.so.13, libcublas.so.13)
#   SLMSCOPE_VARIANT=none          install the CPU build only (no Vulkan build beside it)
#   SLMSCOPE_SKIP_APT=1            do not try to install system packages
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RT="$ROOT/.runtime"
PINS="$ROOT/engine/assets/pins.tsv"
DL="$RT/downloads"
mkdir -p "$DL"
trap 'rm -rf "$RT"/tmp.$$' EXIT

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- system packages (Debian/Ubuntu) -------------------------------------------------------
# gcc comes without recommends, so libc6-dev (C headers, crt files) is named; ca-certificates lets
# the go command fetch modules over HTTPS on a minimal system; tesseract-ocr reads the Compare
# screen back as a person would (ui/compare_ocr_test.go); libvulkan1 and mesa-vulkan-drivers
# run llama.cpp's Vulkan build on Mesa's software Vulkan device, lavapipe (engine/vulkan_test.go).
APT_PKGS="gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libffi8 git ca-certificates tesseract-ocr libvulkan1 mesa-vulkan-drivers"
install_system_packages() {
    if [ "${SLMSCOPE_SKIP_APT:-}" = 1 ]; then return; fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        case "$(uname -s)" in
        Darwin) command -v xcode-select >/dev/null 2>&1 || say "install Xcode command line tools: xcode-select --install" ;;
        Linux) say "not a Debian/Ubuntu system: install a C compiler, pkg-config, and the OpenGL/X11 development headers (see README) and libffi yourself" ;;
        *) say "install a C compiler (gcc or clang) yourself: Fyne needs cgo" ;;
        esac
        return
    fi
    missing=""
    for p in $APT_PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
    [ -z "$missing" ] && return
    say "installing system packages:$missing"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install:$missing"
        SUDO=sudo
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq || true
    # shellcheck disable=SC2086
    if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/tmp/slmscope-apt.log 2>&1; then
        die "apt-get install failed for:$missing: $(grep -E '^(E|W):' /tmp/slmscope-apt.log | tail -n 3 | tr '\n' ' ')
  What to do: run apt-get update (network, proxy or mirror in /etc/apt/sources.list), then make setup again."
    fi
}

# --- pinned npm tarballs ---------------------------------------------------------------------
pin_field() { awk -F'\t' -v k="$1" -v f="$2" '$1==k {print $f}' "$PINS"; }

# integrity_hex converts npm's "sha512-<base64>" into the hex digest sha512sum prints.
integrity_hex() { printf '%s' "${1#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }

# fetch KEY prints the path of the verified tarball for the pinned package KEY.
fetch() {
    key=$1
    spec=$(pin_field "$key" 2)
    want=$(pin_field "$key" 3)
    [ -n "$spec" ] || die "no pin for $key in $PINS"
    name=$(printf '%s' "$spec" | sed 's/^@//; s/@[^@]*$//; s#/#-#')
    ver=${spec##*@}
    tgz="$DL/$name-$ver.tgz"
    if [ ! -f "$tgz" ]; then
        command -v npm >/dev/null 2>&1 || die "npm is needed to fetch $spec (install Node.js and npm)"
        say "fetching $spec"
        # npm writes some failures to stdout and some to stderr: keep both for the message.
        if ! (cd "$DL" && npm pack --loglevel=error "$spec" >"$DL/npm.log" 2>&1); then
            why=$(grep -v '^[[:space:]]*$' "$DL/npm.log" | tail -n 4 | tr '\n' ' ')
            [ -n "$why" ] || why="npm printed nothing (exit status only)"
            die "npm pack $spec failed: $why
  What to do: check the network and npm's registry and proxy settings (npm config get registry;
  HTTPS_PROXY), then run make setup again. Downloads are kept in $DL, so a second try resumes.
  Or point SLMSCOPE_LLAMA_DIR at a llama.cpp v0.5.0 build you already have (see README)."
        fi
    fi
    got=$(sha512sum "$tgz" | cut -d' ' -f1)
    if [ "$got" != "$(integrity_hex "$want")" ]; then
        mv "$tgz" "$tgz.bad"
        die "$spec: integrity mismatch (kept as $tgz.bad); expected $want"
    fi
    printf '%s\n' "$tgz"
}

platform() {
    os=$(uname -s); arch=$(uname -m)
    case "$os/$arch" in
    Linux/x86_64) p=linux-x64 ;;
    Linux/aarch64 | Linux/arm64) p=linux-arm64 ;;
    *) p="" ;;
    esac
    printf '%s' "$p"
}

# runtime_variants lists the builds to install: the CPU build, and on Linux x64 the Vulkan build
# beside it (the worker picks one when it starts: CPU when asked for the CPU or when the system
# has no libvulkan.so.1), plus the CUDA build when SLMSCOPE_VARIANT=cuda.
runtime_variants() {
    p=$(platform)
    [ -n "$p" ] || return 0
    printf '%s\n' "$p"
    [ "$p" = linux-x64 ] || return 0
    case "${SLMSCOPE_VARIANT:-}" in
    none) ;;
    cuda) printf '%s\n%s\n' "$p-vulkan" "$p-cuda" ;;
    "" | vulkan) printf '%s\n' "$p-vulkan" ;;
    *) die "SLMSCOPE_VARIANT=$SLMSCOPE_VARIANT: use cuda, vulkan or none" ;;
    esac
}

install_runtimes() {
    if [ -n "${SLMSCOPE_LLAMA_DIR:-}" ]; then
        say "using llama.cpp from SLMSCOPE_LLAMA_DIR=$SLMSCOPE_LLAMA_DIR"
        return
    fi
    [ -n "$(platform)" ] || die "no pinned llama.cpp runtime for $(uname -s)/$(uname -m); build llama.cpp v0.5.0 yourself and set SLMSCOPE_LLAMA_DIR (see README)"
    for p in $(runtime_variants); do install_runtime "$p"; done
}

install_runtime() {
    p=$1
    dest="$RT/llama/$p"
    stamp="$dest/.pinned"
    want=$(pin_field "runtime-$p" 3)
    [ -n "$want" ] || die "no pinned runtime for $p in $PINS"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    tgz=$(fetch "runtime-$p")
    tmp="$RT/tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
    tar xzf "$tgz" -C "$tmp"
    rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
    mv "$tmp/package/bins/$p" "$dest"; rm -rf "$tmp"
    # Loaders look for the unversioned names (libllama.so, libggml.so); keep the versioned
    # files they point at: libllama.v0.5.0.so, or libllama.vulkan.v0.5.0.so in GPU variants.
    for lib in "$dest"/libllama.*.so "$dest"/libggml.*.so; do
        [ -f "$lib" ] && [ ! -L "$lib" ] || continue
        base=$(basename "$lib" | sed 's/^\(lib[a-z]*\)\..*\.so$/\1.so/')
        ln -sf "$(basename "$lib")" "$dest/$base"
    done
    printf '%s' "$want" >"$stamp"
    say "llama.cpp runtime ($p) in $dest"
}

# Vocab-only tokenizer GGUFs and llama.h from the source bundle of node-llama-cpp.
VOCABS="starcoder llama-bpe qwen2 llama-spm phi-3 gemma-4"
install_source_files() {
    stamp="$RT/vocab/.pinned"
    want=$(pin_field source 3)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    tgz=$(fetch source)
    tmp="$RT/tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
    tar xzf "$tgz" -C "$tmp" package/llama/gitRelease.bundle
    git clone -q "$tmp/package/llama/gitRelease.bundle" "$tmp/src" 2>/dev/null || die "git clone of the llama.cpp source bundle failed (is git installed?)"
    rm -rf "$RT/vocab" "$RT/include"; mkdir -p "$RT/vocab" "$RT/include"
    for v in $VOCABS; do cp "$tmp/src/models/ggml-vocab-$v.gguf" "$RT/vocab/"; done
    cp "$tmp/src/include/llama.h" "$RT/include/"
    rm -rf "$tmp"
    printf '%s' "$want" >"$stamp"
    say "tokenizers in $RT/vocab"
}

install_echarts() {
    stamp="$RT/echarts/.pinned"
    want=$(pin_field echarts 3)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    tgz=$(fetch echarts)
    mkdir -p "$RT/echarts"
    tar xzf "$tgz" -O package/dist/echarts.min.js >"$RT/echarts/echarts.min.js"
    printf '%s' "$want" >"$stamp"
    say "echarts.min.js in $RT/echarts"
}

# The app's fonts: DejaVu Sans Condensed and DejaVu Sans Mono cover every glyph slmscope shows
# (≈ ● ○ ▲ ▶ ✓ ⚠ …), which Fyne's embedded Noto Sans lacks; without them Fyne falls back to
# whatever fonts the machine has, so each machine drew those symbols differently, or not at all.
FONTS="DejaVuSansCondensed DejaVuSansCondensed-Bold DejaVuSansCondensed-Oblique DejaVuSansCondensed-BoldOblique DejaVuSansMono DejaVuSansMono-Bold"
install_fonts() {
    stamp="$RT/fonts/.pinned"
    want=$(pin_field fonts 3)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    tgz=$(fetch fonts)
    tmp="$RT/tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
    tar xzf "$tgz" -C "$tmp" package/LICENSE package/ttf
    rm -rf "$RT/fonts"; mkdir -p "$RT/fonts"
    for f in $FONTS; do cp "$tmp/package/ttf/$f.ttf" "$RT/fonts/"; done
    cp "$tmp/package/LICENSE" "$RT/fonts/LICENSE"
    rm -rf "$tmp"
    printf '%s' "$want" >"$stamp"
    say "fonts in $RT/fonts"
}

install_system_packages
install_runtimes
install_source_files
install_echarts
install_fonts
say "ok"
