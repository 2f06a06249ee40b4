package lessons

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/internal/safefile"
)

// TestImportFileRefusesSpecialFiles: importing from a named pipe, a device or a folder is
// refused at once and the progress already there is kept.
func TestImportFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	s := OpenStore(filepath.Join(dir, "progress.json"))
	must(t, s.RecordAnswer("l", single("q"), Answer{Choices: []int{0}}, true, t0))
	paths := map[string]string{dir: "folder", "/dev/zero": "device"}
	if safefile.MakeFIFO(filepath.Join(dir, "p.json")) == nil {
		paths[filepath.Join(dir, "p.json")] = "named pipe"
	}
	for p, want := range paths {
		done := make(chan error, 1)
		go func() { done <- s.ImportFile(p) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v", p, err)
			}
		case <-time.After(time.Minute): // a hang guard, not a speed goal
			t.Fatalf("%s: import hung", p)
		}
	}
	if len(s.Snapshot().Lessons) != 1 {
		t.Fatal("progress lost")
	}
}
