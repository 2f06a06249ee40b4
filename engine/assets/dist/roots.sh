# roots.sh: fresh minimal Debian 12 roots for the clean-machine checks, sourced by check.sh (the
# packages) and cleanroot.sh (the README's make test). The caller sets B (the cache folder,
# holding the base tarball and apt's downloads), USER_NAME, and say/die.

# --- mounts, always undone ----------------------------------------------------------------------
MOUNTED=""
unmount_all() {
    for m in $MOUNTED; do umount -l "$m" 2>/dev/null || true; done
    MOUNTED=""
}
trap 'unmount_all' EXIT
trap 'exit 130' INT TERM HUP

# mount_root R mounts /proc, /sys, a small /dev (with its own devpts) and apt's download cache into root R.
mount_root() {
    r=$1
    mount -t proc proc "$r/proc" && MOUNTED="$r/proc $MOUNTED"
    mount -t sysfs -o ro sysfs "$r/sys" && MOUNTED="$r/sys $MOUNTED"
    mount -t tmpfs -o mode=755,size=64m tmpfs "$r/dev" && MOUNTED="$r/dev $MOUNTED"
    for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
        set -- $n
        mknod -m 666 "$r/dev/$1" c "$2" "$3"
    done
    mkdir -p "$r/dev/pts" "$r/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts" && MOUNTED="$r/dev/pts $MOUNTED"
    ln -s pts/ptmx "$r/dev/ptmx"
    chmod 1777 "$r/dev/shm"
    ln -s /proc/self/fd "$r/dev/fd"
    ln -s /proc/self/fd/0 "$r/dev/stdin"
    ln -s /proc/self/fd/1 "$r/dev/stdout"
    ln -s /proc/self/fd/2 "$r/dev/stderr"
    mount --bind "$B/apt-archives" "$r/var/cache/apt/archives" && MOUNTED="$r/var/cache/apt/archives $MOUNTED"
}

# remove_root R deletes a root left by an earlier run, never crossing into a mount.
remove_root() {
    if grep -qF " $1/" /proc/self/mounts; then die "$1 still has mounts; not deleting it"; fi
    rm -rf --one-file-system "$1"
}

# --- the base root ------------------------------------------------------------------------------
# host_sources prints the host's Debian bookworm apt sources as one-line entries, read from
# sources.list, *.list and deb822 *.sources: the chroot uses the same mirror as the host.
host_sources() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && sed -n 's/\[[^]]*\]//; s/^[[:space:]]*\(deb[[:space:]].*\)/\1/p' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no")
                    for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print "deb " u[i] " " s[j] " " comps
                types = ""; nu = 0; ns = 0; comps = ""; enabled = ""
            }
            /^#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            { key = tolower($1); sub(/:$/, "", key); $1 = "" ; sub(/^ /, "") }
            key == "types" { types = $0 }
            key == "uris" { nu = split($0, u, " ") }
            key == "suites" { ns = split($0, s, " ") }
            key == "components" { comps = $0 }
            key == "enabled" { enabled = tolower($0) }
            END { flush() }' "$f"
    done
}

make_base() {
    # The roots hold Go trees (a module cache, a clone): a go.mod here makes this folder a module
    # of its own, so `go vet ./...` in the source tree never walks into them.
    [ -f "$B/go.mod" ] || printf 'module slmscope/check-roots\n' >"$B/go.mod"
    BASE="$B/base-bookworm-minbase.tar"
    sources=$(host_sources | awk '$3 ~ /^bookworm(-updates|-security|\/updates)?$/')
    mirror=$(printf '%s\n' "$sources" | awk '$3 == "bookworm" {print $2; exit}')
    [ -n "$mirror" ] || die "the host's apt sources name no Debian bookworm mirror"
    [ -f "$BASE" ] && return
    command -v debootstrap >/dev/null 2>&1 || {
        say "installing debootstrap"
        apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    }
    say "debootstrap --variant=minbase bookworm from $mirror (once; cached in $BASE)"
    tmp="$B/base.tmp"
    remove_root "$tmp"
    debootstrap --variant=minbase --cache-dir="$B/apt-archives" bookworm "$tmp" "$mirror" >"$B/debootstrap.log" 2>&1 ||
        die "debootstrap failed: $(tail -n 5 "$B/debootstrap.log")"
    printf '%s\n' "$sources" >"$tmp/etc/apt/sources.list"
    rm -rf "$tmp/var/lib/apt/lists"/* "$tmp/var/cache/apt/archives"/*.deb
    tar -C "$tmp" -cf "$BASE.part" . && mv "$BASE.part" "$BASE"
    remove_root "$tmp"
}

# new_root NAME unpacks a fresh copy of the base root, mounts it, and adds the normal user.
new_root() {
    R="$B/root-$1" LOG="$B/apt-$1.log"
    remove_root "$R"
    : >"$LOG"
    mkdir -p "$R"
    tar -C "$R" -xf "$B/base-bookworm-minbase.tar"
    mount_root "$R"
    cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
    in_root useradd -m -s /bin/sh "$USER_NAME"
    in_root apt-get update -qq >>"$LOG" 2>&1 || die "apt-get update in the $1 root failed: $(tail -n 3 "$LOG")"
}

in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

# apt_install PKG... installs without recommends, so only what is declared comes in.
apt_install() {
    in_root apt-get install -y -qq --no-install-recommends "$@" >>"$LOG" 2>&1 ||
        die "apt-get install $* failed: $(tail -n 5 "$LOG")"
}

# as_user CMD runs a shell command as the normal user, from / as the working directory.
as_user() {
    chroot "$R" runuser -u "$USER_NAME" -- env -i HOME="/home/$USER_NAME" PATH=/usr/bin:/bin LANG=C.UTF-8 \
        sh -c "cd / && $1"
}
