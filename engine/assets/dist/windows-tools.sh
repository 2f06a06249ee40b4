#!/bin/sh
# windows-tools.sh installs the Debian 12 packages the Windows targets need, and nothing that is
# already there: mingw-w64 (llama.cpp, libffi and Fyne's cgo), cmake, wine64 (the check), nsis
# (the installer), xvfb and imagemagick (the GUI screenshot), zip, autoconf tools for libffi.
# Only `make dist-windows` and `make dist-windows-check` call it; `make test` never does.
set -eu
PKGS="gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 cmake make git wine wine64 nsis xvfb xauth imagemagick zip unzip xz-utils"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "windows-tools: install:$missing" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "windows-tools: installing:$missing" >&2
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/tmp/slmscope-apt-windows.log 2>&1 || {
    tail -n 5 /tmp/slmscope-apt-windows.log >&2; echo "windows-tools: apt-get install failed for:$missing" >&2; exit 1; }
