#!/bin/sh
# cleanroot.sh runs the README's `make test` as a new user would: in a fresh minimal Debian 12 root
# (debootstrap --variant=minbase bookworm, cached like dist-check's) with only Go, make and git
# added, on a fresh clone of this repository's HEAD, with an empty module cache and build cache.
# Setup must install everything else: system packages, the runtime, tokenizers, echarts, fonts.
# The root has no fonts at all, so a golden master or glyph that needs one fails here. RUNS=2 runs
# make test twice in the same root (the second time with everything set up). Needs root.
set -eu

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B="${SLMSCOPE_CHECK_DIR:-$ROOT/build/dist-check}"
USER_NAME=learner
RUNS=${RUNS:-1}

say() { printf 'clean-root: %s\n' "$*" >&2; }
die() { printf 'clean-root: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount)"
if [ -z "${SLMSCOPE_DIST_CHECK_NS:-}" ]; then
    SLMSCOPE_DIST_CHECK_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
GOROOT_HOST=$(go env GOROOT 2>/dev/null || true)
[ -x "$GOROOT_HOST/bin/go" ] || die "no Go toolchain on this machine to add to the root"
mkdir -p "$B/apt-archives/partial"
START=$(date +%s)

# shellcheck source=roots.sh
. "$ROOT/engine/assets/dist/roots.sh"

make_base
new_root test
apt_install make git ca-certificates
# A network that intercepts TLS (a company or sandbox proxy) has its CA in the host's local
# store; a learner's machine on that network has it too, so the root gets the same ones.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
    in_root update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
    say "the host's local CA certificates added: $(cd /usr/local/share/ca-certificates && ls -- *.crt | tr '\n' ' ')"
fi
# Go, as a new user adds it: the release tree in /usr/local/go (read-only here: nothing writes it).
mkdir -p "$R/usr/local/go"
mount --bind "$GOROOT_HOST" "$R/usr/local/go" && MOUNTED="$R/usr/local/go $MOUNTED"
mount -o remount,bind,ro "$R/usr/local/go"
git clone -q "$ROOT" "$R/root/slmscope" || die "git clone of $ROOT failed"
fonts=$(find "$R/usr/share/fonts" -type f 2>/dev/null | wc -l)
say "root ready: Go $("$GOROOT_HOST/bin/go" env GOVERSION), make, git; $fonts font files; $(git -C "$ROOT" log -1 --format='%h %s' | cut -c1-60)"

run=1
while [ "$run" -le "$RUNS" ]; do
    t0=$(date +%s)
    log="$B/clean-root-make-test-$run.log"
    if ! in_root env HOME=/root PATH=/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        GOPROXY="$(go env GOPROXY)" GOSUMDB="$(go env GOSUMDB)" NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
        sh -c 'cd /root/slmscope && make test' >"$log" 2>&1; then
        grep -E '^(--- FAIL|FAIL|panic:)|error' "$log" | head -n 20 >&2 || true
        die "make test failed in the clean root (run $run, $(($(date +%s) - t0)) s); log: $log"
    fi
    say "make test passed in the clean root (run $run of $RUNS) in $(($(date +%s) - t0)) s; log: $log"
    run=$((run + 1))
done
unmount_all
remove_root "$R"
say "ok in $(($(date +%s) - START)) s"
