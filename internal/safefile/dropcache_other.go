//go:build !linux

package safefile

import "os"

// DropCached does nothing where slmscope has no way to advise the page cache (Windows, macOS):
// a file just written is read from whatever cache the OS keeps. It reports false.
func DropCached(*os.File) bool { return false }
