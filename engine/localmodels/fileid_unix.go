//go:build unix

package localmodels

import (
	"os"
	"syscall"
)

// fileIdentity returns the device and inode of a file, which are equal for every path
// (symlink or hard link) that reaches it.
func fileIdentity(fi os.FileInfo) (fileKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{uint64(st.Dev), uint64(st.Ino)}, true
}
