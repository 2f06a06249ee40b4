//go:build !windows

package lessons

import "os"

// syncDir flushes a folder's entries so a rename inside it survives a power cut.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
