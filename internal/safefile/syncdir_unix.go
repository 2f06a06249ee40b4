//go:build unix

package safefile

import "os"

// SyncDir flushes a folder's entries so a rename inside it survives a power cut.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
