package safefile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Rename is os.Rename; tests replace it to simulate a crash between write and rename.
var Rename = os.Rename

// WriteAtomic writes data to path so that a crash at any moment leaves either the old file
// or the new one, never a mix: it writes a temp file in the same folder, flushes it to
// disk, then renames it over path.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the folder %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s (%w): check the folder's permissions", dir, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s (is the disk full?): %w", tmp, werr)
	}
	if err := Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	SyncDir(dir)
	return nil
}
