//go:build linux

package safefile

import (
	"os"

	"golang.org/x/sys/unix"
)

// DropCached asks the kernel to forget the cached pages of f, a file just written and flushed
// (f.Sync): the next reader maps it from the disk, as it would a model saved days ago. Pages
// a writer left in the cache can read slower than pages read back (docs/accuracy.md,
// "A twin just written"). It reports whether the kernel took the advice; dirty pages stay.
func DropCached(f *os.File) bool {
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED) == nil
}
