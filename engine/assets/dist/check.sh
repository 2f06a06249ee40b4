#!/bin/sh
# check.sh installs what `make dist` built into fresh minimal Debian 12 roots and runs slmscope
# there, as a normal user, from / as the working directory:
#
#   1. root "deb": apt-get install ./slmscope_<v>_amd64.deb (apt resolves Depends); the CLI;
#      the Vulkan build without libvulkan1, with it, and on Mesa's lavapipe; HOME not writable; the GUI under xvfb-run until its window shows (screenshot kept);
#      reinstall, upgrade to a rebuilt <v>+check1, purge, and no package file left behind.
#   2. root "portable": only the .deb's Depends installed; the .tar.xz unpacked into /opt and
#      mounted read-only; the CLI (and its sentence without libvulkan1) and the GUI again; a
#      runtime missing a library.
#
# The base root is made once with `debootstrap --variant=minbase bookworm` from the mirror the
# host's apt sources name, and cached as a tarball in build/dist-check/, with apt's downloads,
# so a second run needs little network. Needs root (chroot, mount). Everything runs in a
# private mount namespace, and a trap unmounts /proc, /sys and /dev of the roots on exit.
set -eu

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B="${SLMSCOPE_CHECK_DIR:-$ROOT/build/dist-check}"
DIST="${SLMSCOPE_DIST_DIR:-$ROOT/dist}"
USER_NAME=learner

say() { printf 'dist-check: %s\n' "$*" >&2; }
die() { printf 'dist-check: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount)"
if [ -z "${SLMSCOPE_DIST_CHECK_NS:-}" ]; then
    # A private mount namespace: whatever happens, the mounts below die with this process.
    SLMSCOPE_DIST_CHECK_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi

VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$ROOT/FyneApp.toml" | head -n 1)
DEB="$DIST/slmscope_${VERSION}_amd64.deb"
TXZ="$DIST/slmscope-$VERSION-linux-amd64.tar.xz"
[ -f "$DEB" ] && [ -f "$TXZ" ] || die "no $DEB or $TXZ: run make dist"
(cd "$DIST" && sha256sum -c --quiet SHA256SUMS) || die "SHA256SUMS does not match dist/"
mkdir -p "$B/apt-archives/partial"
START=$(date +%s)

# shellcheck source=roots.sh
. "$ROOT/engine/assets/dist/roots.sh"

# --- the checks run in both roots -------------------------------------------------------------
# check_cli EXE TAG: probe, bench on a twin, lessons check, and HOME not writable.
check_cli() {
    exe=$1 tag=$2
    missing=$(in_root ldd "$exe" | grep 'not found' || true)
    [ -z "$missing" ] || die "$tag: libraries missing for $exe: $missing"
    as_user "$exe probe --json" >"$B/$tag-probe.json" 2>"$B/$tag-probe.err" || die "$tag: probe --json: $(cat "$B/$tag-probe.err")"
    json "$B/$tag-probe.json" || die "$tag: probe --json printed no JSON"
    as_user "$exe bench --model twin:smollm2-135m --prompt-tokens 16 --gen-tokens 16 --json" \
        >"$B/$tag-bench.json" 2>"$B/$tag-bench.err" || die "$tag: bench: $(tail -n 5 "$B/$tag-bench.err")"
    json "$B/$tag-bench.json" || die "$tag: bench --json printed no JSON"
    # An instructor's folder holding a copy of the built-in lesson, as the README describes.
    rm -rf "$R/tmp/lessons"; cp -r "$ROOT/lessons/content" "$R/tmp/lessons"; chmod -R a+rX "$R/tmp/lessons"
    as_user "d=\$($exe lessons path) && mkdir -p \"\$d\" && cp /tmp/lessons/* \"\$d/\" && $exe lessons check" \
        >"$B/$tag-lessons.txt" 2>&1 || die "$tag: lessons check: $(cat "$B/$tag-lessons.txt")"
    # HOME not writable: commands that need no cache still work; bench says what is wrong.
    as_user "HOME=/ $exe lessons check /tmp/lessons" >/dev/null 2>&1 || die "$tag: lessons check fails when HOME is not writable"
    as_user "HOME=/ $exe probe --json --no-bandwidth" >/dev/null 2>"$B/$tag-rohome-probe.err" ||
        die "$tag: probe --no-bandwidth fails when HOME is not writable: $(cat "$B/$tag-rohome-probe.err")"
    if as_user "HOME=/ XDG_CACHE_HOME=/ $exe bench --model twin:smollm2-135m --prompt-tokens 16 --gen-tokens 4" \
        >/dev/null 2>"$B/$tag-rohome-bench.err"; then
        say "$tag: note: bench ran with HOME not writable"
    else
        [ "$(wc -l <"$B/$tag-rohome-bench.err")" -le 2 ] || die "$tag: bench with HOME not writable: no clear message: $(cat "$B/$tag-rohome-bench.err")"
        say "$tag: HOME not writable: bench says: $(cat "$B/$tag-rohome-bench.err")"
    fi
    say "$tag: probe, bench ($(gen_rate "$B/$tag-bench.json")) and lessons check ok as $USER_NAME"
}

# check_vulkan EXE TAG [full]: without libvulkan1 the worker runs the CPU build and says why;
# with full, also with libvulkan1 (no GPU: the CPU, silently), then with Mesa's lavapipe made
# visible (a software Vulkan device): full and partial offload run there, and "cpu" keeps
# every buffer off it.
check_vulkan() {
    exe=$1 tag=$2
    as_user "$exe probe --json --no-bandwidth" >"$B/$tag-vk0.json" 2>&1 || die "$tag: probe without libvulkan1: $(tail -n 3 "$B/$tag-vk0.json")"
    grep -q 'libvulkan.so.1 cannot be opened.*apt-get install libvulkan1' "$B/$tag-vk0.json" ||
        die "$tag: without libvulkan1 the probe does not say why the Vulkan build is not used: $(grep llama_devices_note "$B/$tag-vk0.json")"
    say "$tag: without libvulkan1: $(sed -n 's/.*"llama_devices_note": *"\([^"]*\)".*/\1/p' "$B/$tag-vk0.json" | cut -c1-160)"
    [ "${3:-}" = full ] || return 0
    apt_install libvulkan1
    as_user "$exe probe --json --no-bandwidth" >"$B/$tag-vk1.json" 2>&1 || die "$tag: probe with libvulkan1 failed"
    if grep -q 'cannot be opened' "$B/$tag-vk1.json"; then die "$tag: libvulkan1 installed, yet the probe says it cannot be opened"; fi
    apt_install mesa-vulkan-drivers
    vk="GGML_VK_VISIBLE_DEVICES=0 $exe bench --model twin:smollm2-135m --prompt-tokens 8 --gen-tokens 4 --repeat 1 --json"
    as_user "$vk --device Vulkan0 --gpu-layers auto" >"$B/$tag-vk-full.json" 2>"$B/$tag-vk.err" || die "$tag: bench on lavapipe: $(tail -n 3 "$B/$tag-vk.err")"
    grep -q '"offloaded": *"31/31"' "$B/$tag-vk-full.json" || die "$tag: full offload to lavapipe: $(grep -o '"placement_why"[^,]*' "$B/$tag-vk-full.json")"
    as_user "$vk --device Vulkan0 --gpu-layers 10" >"$B/$tag-vk-partial.json" 2>>"$B/$tag-vk.err" || die "$tag: partial offload to lavapipe failed"
    grep -q '"offloaded": *"10/31"' "$B/$tag-vk-partial.json" || die "$tag: partial offload to lavapipe did not put 10 layers there"
    as_user "$vk --device cpu" >"$B/$tag-vk-cpu.json" 2>>"$B/$tag-vk.err" || die "$tag: --device cpu failed"
    if grep -q '"device": *"Vulkan0"' "$B/$tag-vk-cpu.json"; then die "$tag: --device cpu left a buffer on Vulkan0"; fi
    say "$tag: lavapipe: full 31/31 and partial 10/31 offload ran ($(gen_rate "$B/$tag-vk-full.json"), $(gen_rate "$B/$tag-vk-partial.json")); --device cpu kept every buffer off it"
}

json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null || grep -q '^[[{]' "$1"; }
gen_rate() { grep -o '"gen_tps": *[0-9.]*' "$1" | head -n 1 | sed 's/.*: *\([0-9]*\.[0-9]\).*/\1 tok\/s/' || true; }

# check_gui EXE TAG: the window appears under Xvfb; a screenshot is kept in build/dist-check. The
# packages the check installs (ImageMagick's fontconfig pulls in fonts-dejavu-core) are hidden
# from the app: the root's font folders are empty while it runs, as on a machine with no fonts, so
# the glyph sheet (glyphcheck.sh) passes only when the package's own fonts are found and drawn.
check_gui() {
    exe=$1 tag=$2
    apt_install xvfb xauth xdotool imagemagick
    fonts=$(find "$R/usr/share/fonts" "$R/usr/local/share/fonts" -type f 2>/dev/null | wc -l)
    for d in usr/share/fonts usr/local/share/fonts; do
        mkdir -p "$R/$d"
        mount -t tmpfs -o size=1m,mode=755 tmpfs "$R/$d" && MOUNTED="$R/$d $MOUNTED"
    done
    say "$tag: the root's $fonts system font files hidden from the app"
    rm -f "$R/tmp/shot.png"
    as_user "timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' sh -c '
        $exe >/tmp/gui.log 2>&1 & pid=\$!
        timeout 120 xdotool search --sync --onlyvisible --name slmscope >/tmp/gui.win || { kill \$pid; exit 3; }
        sleep 3; import -window root /tmp/shot.png; kill \$pid; wait \$pid 2>/dev/null; exit 0'" ||
        die "$tag: the GUI window did not appear: $(tail -n 5 "$R/tmp/gui.log" 2>/dev/null)"
    [ -s "$R/tmp/shot.png" ] || die "$tag: no screenshot"
    cp "$R/tmp/shot.png" "$B/shot-$tag.png"
    say "$tag: GUI window shown; screenshot $B/shot-$tag.png"
    cp "$ROOT/engine/assets/dist/glyphcheck.sh" "$R/tmp/glyphcheck.sh"
    as_user "sh /tmp/glyphcheck.sh $exe /tmp/glyphs.png" >"$B/$tag-glyphs.txt" 2>&1 ||
        die "$tag: $(cat "$B/$tag-glyphs.txt")"
    cp "$R/tmp/glyphs.png" "$B/glyphs-$tag.png"
    say "$tag: $(cat "$B/$tag-glyphs.txt")"
    for d in usr/share/fonts usr/local/share/fonts; do umount "$R/$d"; done
}

# --- 1. the .deb ------------------------------------------------------------------------------
check_deb() {
    new_root deb
    cp "$DEB" "$R/tmp/"
    apt_install "/tmp/$(basename "$DEB")"
    in_root dpkg -L slmscope >"$B/deb-files.txt"
    check_cli /usr/bin/slmscope deb
    check_vulkan /usr/bin/slmscope deb full
    check_gui slmscope deb

    in_root apt-get install -y -qq --reinstall "/tmp/$(basename "$DEB")" >>"$LOG" 2>&1 || die "reinstalling the .deb failed"
    # Upgrade: the same files as a later version, packed by nfpm from make dist's staging.
    up="$B/slmscope_${VERSION}+check1_amd64.deb"
    SLMSCOPE_VERSION="$VERSION+check1" SLMSCOPE_DEPENDS="$(cat "$ROOT/build/dist/depends")" SLMSCOPE_STAGE="$ROOT/build/dist/stage" \
        ${GO:-go} run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2 package --config "$ROOT/engine/assets/dist/nfpm.yaml" \
        --packager deb --target "$up" >"$B/nfpm-upgrade.log" 2>&1 || die "packing the upgrade failed: $(tail -n 3 "$B/nfpm-upgrade.log")"
    cp "$up" "$R/tmp/"
    apt_install "/tmp/$(basename "$up")"
    got=$(in_root dpkg-query -W -f='${Version}' slmscope)
    [ "$got" = "$VERSION+check1" ] || die "after the upgrade dpkg says version $got"
    as_user "slmscope probe --json --no-bandwidth" >/dev/null || die "slmscope does not run after the upgrade"
    in_root apt-get purge -y -qq slmscope >>"$LOG" 2>&1 || die "apt-get purge slmscope failed"
    left=""
    while read -r f; do
        [ -d "$R$f" ] && continue
        if [ -e "$R$f" ] || [ -L "$R$f" ]; then left="$left $f"; fi
    done <"$B/deb-files.txt"
    [ -z "$left" ] && [ ! -e "$R/usr/lib/slmscope" ] || die "files left after purge:$left"
    outside=$(find "$R" -xdev -name '*slmscope*' -not -path "$R/home/*" -not -path "$R/tmp/*" \
        -not -path "$R/var/cache/*" -not -path "$R/var/log/*" -not -path "$R/var/lib/apt/*" | head -n 5)
    [ -z "$outside" ] || die "slmscope files outside user folders after purge: $outside"
    say "deb: installed twice, upgraded to $VERSION+check1, purged; nothing left outside /home/$USER_NAME"
    unmount_all
}

# --- 2. the portable folder ----------------------------------------------------------------------
check_portable() {
    new_root portable
    # Only the .deb's Depends, without version constraints: the packages a user would install.
    apt_install $(sed 's/ ([^)]*)//g; s/,/ /g' "$ROOT/build/dist/depends")
    tar -C "$R/opt" -xJf "$TXZ"
    dir="/opt/slmscope-$VERSION-linux-amd64"
    mount --bind "$R$dir" "$R$dir" && MOUNTED="$R$dir $MOUNTED"
    mount -o remount,bind,ro "$R$dir"
    if as_user "touch $dir/x" 2>/dev/null || in_root touch "$dir/x" 2>/dev/null; then die "portable: $dir is not read-only"; fi
    check_cli "$dir/slmscope" portable
    check_vulkan "$dir/slmscope" portable
    # A copy with one library removed says which one.
    in_root cp -a "$dir" /opt/broken
    rm -f "$R/opt/broken/runtime/llama/linux-x64/libggml-base.so"
    if as_user "/opt/broken/slmscope bench --model twin:smollm2-135m --prompt-tokens 16 --gen-tokens 4" >/dev/null 2>"$B/portable-broken.err"; then
        die "portable: a runtime without libggml-base.so ran"
    fi
    grep -q 'libggml-base.so is missing' "$B/portable-broken.err" || die "portable: missing library not named: $(cat "$B/portable-broken.err")"
    say "portable: missing library reported: $(grep 'is missing' "$B/portable-broken.err")"
    check_gui "$dir/slmscope" portable
    unmount_all
    rm -rf --one-file-system "$R/opt/broken"
}

make_base
check_deb
remove_root "$B/root-deb"
check_portable
remove_root "$B/root-portable"
say "ok in $(($(date +%s) - START)) s; logs and screenshots in $B"
