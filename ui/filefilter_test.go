package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"

	"slmscope/internal/safefile"
)

func TestRegularFilesFilter(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "m.gguf")
	os.WriteFile(good, []byte("GGUF"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "dir.gguf"), 0o755)
	fifo := filepath.Join(dir, "pipe.gguf")
	if err := safefile.MakeFIFO(fifo); err != nil {
		t.Skip("no named pipes here:", err)
	}
	f := regularFiles{exts: []string{".gguf"}}
	cases := map[string]bool{good: true, filepath.Join(dir, "notes.txt"): false, filepath.Join(dir, "dir.gguf"): false, fifo: false}
	for p, want := range cases {
		if got := f.Matches(storage.NewFileURI(p)); got != want {
			t.Errorf("Matches(%s) = %v, want %v", filepath.Base(p), got, want)
		}
	}
}
