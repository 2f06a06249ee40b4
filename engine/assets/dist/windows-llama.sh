#!/bin/sh
# windows-llama.sh builds llama.cpp v0.5.0 for Windows x64 with mingw-w64 from the pinned source
# bundle (node-llama-cpp@3.22.1's llama/gitRelease.bundle, the one `make setup` verifies), with
# node-llama-cpp's own patch applied as it does, and caches the DLLs in .runtime/windows/llama/win-x64:
#
#   llama.dll ggml.dll ggml-base.dll         the names yzma's loader asks for (<name>.dll)
#   ggml-cpu-<variant>.dll                   CPU backends chosen at run time (GGML_BACKEND_DL,
#                                            GGML_CPU_ALL_VARIANTS: x64, sse42 ... zen4, as on Linux)
#
# The stamp .pinned holds the source pin and this build's settings; a second run with the same
# stamp does nothing. Only the Windows targets call it, so `make test` on Linux never builds it.
#
#   WIN_JOBS=N                           parallel compile jobs (default: the number of cores)
set -eu

SCRIPT=windows-llama
. "$(dirname "$0")/common.sh"
PINS="$ROOT/engine/assets/pins.tsv"
DEST="$RT/windows/llama/win-x64"
WORK="$ROOT/build/win"
JOBS="${WIN_JOBS:-$(nproc)}"

sh "$ROOT/engine/assets/dist/windows-tools.sh"
sh "$ROOT/engine/assets/setup.sh" >/dev/null
pin=$(awk -F'\t' '$1=="source" {print $3}' "$PINS")
tgz="$RT/downloads/node-llama-cpp-3.22.1.tgz"
[ -f "$tgz" ] || die "no $tgz: run make setup"
# The settings are part of the stamp: a change to them rebuilds.
settings="mingw-w64 gcc-12-posix BACKEND_DL CPU_ALL_VARIANTS OPENMP=OFF static-libstdc++ module-flags compat-header-1 no-sapphirerapids"
want="$pin $settings"
if [ -f "$DEST/.pinned" ] && [ "$(cat "$DEST/.pinned")" = "$want" ]; then exit 0; fi

start=$(date +%s)
rm -rf "$WORK/bundle" "$WORK/src"; mkdir -p "$WORK/bundle"
tar xzf "$tgz" -C "$WORK/bundle" package/llama/gitRelease.bundle package/llama/patches package/llama/llama.cpp.info.json
grep -q '"tag": "v0.5.0"' "$WORK/bundle/package/llama/llama.cpp.info.json" || die "the source bundle is not llama.cpp v0.5.0"
git clone -q "$WORK/bundle/package/llama/gitRelease.bundle" "$WORK/src" 2>/dev/null || die "git clone of the source bundle failed"
for p in "$WORK"/bundle/package/llama/patches/*.diff; do
    (cd "$WORK/src" && git apply "$p") || die "patch $(basename "$p") does not apply"
done

# The posix-thread compilers: llama.cpp uses std::thread and std::mutex, which gcc 12's win32
# thread model lacks. libgcc, libstdc++ and winpthread are linked in, so the DLLs need only
# what Windows itself has.
cat >"$WORK/mingw.cmake" <<TC
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
TC
# The AMX variant (sapphirerapids) does not build with mingw-w64's gcc 12: amx/mmq.cpp comes out
# as assembly with 32-bit index registers that the assembler refuses. Those CPUs get the best of
# the other variants (zen4 or cooperlake: AVX512 VNNI BF16).
sed -i '/ggml_add_cpu_backend_variant(sapphirerapids/d' "$WORK/src/ggml/src/CMakeLists.txt"
# mingw-w64 10 (Debian 12) lacks THREAD_POWER_THROTTLING_STATE, which ggml-cpu.c uses for
# _WIN32_WINNT >= 0x0602; Windows 10's SDK defines it as below (ThreadPowerThrottling is there).
cat >"$WORK/mingw-compat.h" <<'HDR'
typedef struct { unsigned long Version, ControlMask, StateMask; } THREAD_POWER_THROTTLING_STATE;
#define THREAD_POWER_THROTTLING_CURRENT_VERSION 1
#define THREAD_POWER_THROTTLING_EXECUTION_SPEED 0x1
HDR
# libgcc, libstdc++ and winpthread are linked into each DLL (the CPU variants are cmake MODULEs,
# hence both flag sets) and not exported from them, or ggml-base.dll would export _Unwind_Resume.
LDFLAGS_STATIC="-static-libgcc -static-libstdc++ -Wl,--exclude-libs,libgcc.a:libgcc_eh.a:libstdc++.a:libwinpthread.a -Wl,-Bstatic,--whole-archive -lwinpthread -Wl,--no-whole-archive,-Bdynamic"
B="$WORK/cmake"
rm -rf "$B"
nice -n 10 cmake -S "$WORK/src" -B "$B" -DCMAKE_TOOLCHAIN_FILE="$WORK/mingw.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DCMAKE_C_FLAGS="-include $WORK/mingw-compat.h" \
    -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF \
    -DLLAMA_BUILD_IS_DEV=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_COMMON=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
    -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS_STATIC" -DCMAKE_MODULE_LINKER_FLAGS="$LDFLAGS_STATIC" \
    >"$WORK/cmake.log" 2>&1 || { tail -n 20 "$WORK/cmake.log" >&2; die "cmake configure failed (log: $WORK/cmake.log)"; }
# ggml depends on every variant cmake was told of, so the variants are chosen at configure time.
nice -n 10 cmake --build "$B" -j "$JOBS" --target llama >"$WORK/build.log" 2>&1 ||
    { tail -n 30 "$WORK/build.log" >&2; die "build failed (log: $WORK/build.log)"; }

rm -rf "$DEST"; mkdir -p "$DEST"
# mingw names the library libllama.dll; yzma's loader and the worker ask for llama.dll. No other
# DLL imports it, so the rename is safe.
cp "$B/bin/libllama.dll" "$DEST/llama.dll"
cp "$B/bin/ggml.dll" "$B/bin/ggml-base.dll" "$DEST/"
find "$B/bin" -name 'ggml-cpu-*.dll' -exec cp {} "$DEST/" \;
[ "$(find "$DEST" -name 'ggml-cpu-*.dll' | wc -l)" -ge 10 ] || die "fewer CPU variants than GGML_CPU_ALL_VARIANTS makes"
x86_64-w64-mingw32-strip --strip-unneeded "$DEST"/*.dll
cp "$WORK/src/LICENSE" "$DEST/LICENSE-llama.cpp.txt"
# Nothing beyond Windows' own DLLs may be needed.
bad=""
for f in "$DEST"/*.dll; do
    for d in $(x86_64-w64-mingw32-objdump -p "$f" | sed -n 's/^\tDLL Name: //p' | tr 'A-Z' 'a-z'); do
        case "$d" in
        kernel32.dll | msvcrt.dll | advapi32.dll | ggml.dll | ggml-base.dll) ;;
        *) bad="$bad $(basename "$f")->$d" ;;
        esac
    done
done
[ -z "$bad" ] || die "DLLs that Windows does not ship are needed:$bad"
printf '%s' "$want" >"$DEST/.pinned"
say "llama.cpp v0.5.0 for Windows x64 in $DEST ($(($(date +%s) - start)) s)"
