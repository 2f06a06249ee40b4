#!/bin/sh
# windows-vulkan.sh builds llama.cpp v0.5.0's Vulkan backend for Windows x64 (ggml-vulkan.dll)
# with mingw-w64 and Debian 12's own Vulkan packages, and lays out the Vulkan build beside the
# CPU one: .runtime/windows/llama/win-x64-vulkan = win-x64's DLLs + ggml-vulkan.dll. The worker
# takes it when vulkan-1.dll opens (every GPU driver on Windows installs it), as on Linux.
#
# What Debian 12 gives and what it lacks:
#   - Vulkan-Headers 1.3.239 (libvulkan-dev), SPIR-V headers, glslc 2023.2 (shaderc);
#   - no mingw import library for vulkan-1.dll: made with gendef + dlltool from the exports of
#     Wine's vulkan-1.dll (the loader's exports are the Vulkan API's, whoever built it);
#   - glslc lacks GL_KHR_cooperative_matrix and GL_EXT_integer_dot_product, so the build has no
#     cooperative-matrix or integer-dot shaders (slower prompt processing on GPUs that have
#     them); and the headers predate VK_EXT_layer_settings. windows/vulkan-debian12.py puts the
#     two llama.cpp places that assume otherwise behind the switches llama.cpp already has.
#
# Needs windows-llama.sh's CPU build first (its DLLs, which the Vulkan build shares). Cached like it: the
# stamp .pinned holds the source pin and these settings. Run by `make dist-windows` (and alone
# as `make dist-windows-vulkan`).
set -eu

SCRIPT=windows-vulkan
. "$(dirname "$0")/common.sh"
CPU="$RT/windows/llama/win-x64"
DEST="$RT/windows/llama/win-x64-vulkan"
WORK="$ROOT/build/win"
VK="$WORK/vulkan"
JOBS="${WIN_JOBS:-$(nproc)}"

sh "$HERE/windows-llama.sh"
pkgs="libvulkan-dev glslc spirv-headers mingw-w64-tools"
missing=""
for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
        die "apt-get install failed for:$missing"
fi
WINE_VK=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/vulkan-1.dll
[ -f "$WINE_VK" ] || die "no $WINE_VK (Debian's wine64) to take vulkan-1.dll's exports from"

pin=$(cat "$CPU/.pinned")
settings="vulkan libvulkan-dev-$(dpkg-query -W -f='${Version}' libvulkan-dev) glslc-$(dpkg-query -W -f='${Version}' glslc) debian12-patch"
want="$pin $settings"
if [ -f "$DEST/.pinned" ] && [ "$(cat "$DEST/.pinned")" = "$want" ]; then exit 0; fi

start=$(date +%s)
rm -rf "$VK"; mkdir -p "$VK/inc" "$VK/lib" "$VK/spirv/share/cmake"
# Headers in a folder of their own: /usr/include itself must not reach a mingw compile.
cp -r /usr/include/vulkan /usr/include/vk_video /usr/include/spirv "$VK/inc/"
cp -r /usr/share/cmake/SPIRV-Headers "$VK/spirv/share/cmake/"
mkdir -p "$VK/spirv/include" && cp -r /usr/include/spirv "$VK/spirv/include/"
(cd "$VK/lib" && cp "$WINE_VK" . && gendef vulkan-1.dll >/dev/null 2>&1 &&
    x86_64-w64-mingw32-dlltool -d vulkan-1.def -l libvulkan-1.a -D vulkan-1.dll) || die "could not make the vulkan-1.dll import library"
# The source as windows-llama.sh takes it: the pinned bundle, node-llama-cpp's patches.
tar xzf "$RT/downloads/node-llama-cpp-3.22.1.tgz" -C "$VK" package/llama/gitRelease.bundle package/llama/patches
git clone -q "$VK/package/llama/gitRelease.bundle" "$VK/src" 2>/dev/null || die "git clone of the source bundle failed"
for p in "$VK"/package/llama/patches/*.diff; do (cd "$VK/src" && git apply "$p") || die "patch $(basename "$p") does not apply"; done
printf '%s\n' 'set(CMAKE_SYSTEM_NAME Windows)' 'set(CMAKE_SYSTEM_PROCESSOR x86_64)' \
    'set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)' 'set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)' \
    'set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)' 'set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)' \
    'set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)' 'set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)' >"$VK/mingw.cmake"
python3 "$HERE/windows/vulkan-debian12.py" "$VK/src" || die "the Debian 12 patch does not apply"
printf 'set(CMAKE_C_COMPILER gcc)\nset(CMAKE_CXX_COMPILER g++)\n' >"$VK/host.cmake"
LDFLAGS_STATIC="-static-libgcc -static-libstdc++ -Wl,--exclude-libs,libgcc.a:libgcc_eh.a:libstdc++.a:libwinpthread.a -Wl,-Bstatic,--whole-archive -lwinpthread -Wl,--no-whole-archive,-Bdynamic"
B="$VK/cmake"
nice -n 10 cmake -S "$VK/src" -B "$B" -DCMAKE_TOOLCHAIN_FILE="$VK/mingw.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DGGML_VULKAN=ON \
    -DVulkan_INCLUDE_DIR="$VK/inc" -DVulkan_LIBRARY="$VK/lib/libvulkan-1.a" -DVulkan_GLSLC_EXECUTABLE=/usr/bin/glslc \
    -DSPIRV-Headers_DIR="$VK/spirv/share/cmake/SPIRV-Headers" -DGGML_VULKAN_SHADERS_GEN_TOOLCHAIN="$VK/host.cmake" \
    -DLLAMA_BUILD_IS_DEV=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_COMMON=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
    -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS_STATIC" -DCMAKE_MODULE_LINKER_FLAGS="$LDFLAGS_STATIC" \
    >"$VK/cmake.log" 2>&1 || { tail -n 20 "$VK/cmake.log" >&2; die "cmake configure failed (log: $VK/cmake.log)"; }
nice -n 10 cmake --build "$B" -j "$JOBS" --target ggml-vulkan >"$VK/build.log" 2>&1 ||
    { tail -n 30 "$VK/build.log" >&2; die "build failed (log: $VK/build.log)"; }

rm -rf "$DEST"; cp -r "$CPU" "$DEST"
cp "$B/bin/ggml-vulkan.dll" "$DEST/"
x86_64-w64-mingw32-strip --strip-unneeded "$DEST/ggml-vulkan.dll"
for d in $(x86_64-w64-mingw32-objdump -p "$DEST/ggml-vulkan.dll" | sed -n 's/^\tDLL Name: //p' | tr 'A-Z' 'a-z'); do
    case "$d" in
    kernel32.dll | msvcrt.dll | ggml-base.dll | vulkan-1.dll) ;;
    *) die "ggml-vulkan.dll needs $d, which Windows and its GPU drivers do not ship" ;;
    esac
done
cp /usr/share/doc/libvulkan-dev/copyright "$DEST/LICENSE-vulkan-headers.txt"
printf '%s' "$want" >"$DEST/.pinned"
say "llama.cpp v0.5.0's Vulkan backend for Windows x64 in $DEST ($(($(date +%s) - start)) s)"
