# common.sh is the shared start of the packaging scripts, sourced after they set SCRIPT (their
# name in messages): the repository root, this folder, the runtime folder, say and die.
# shellcheck shell=sh
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/engine/assets/dist"
RT="$ROOT/.runtime"
say() { printf '%s: %s\n' "$SCRIPT" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SCRIPT" "$*" >&2; exit 1; }
