package engine

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A twin the cache touched (new modification time, same size) is not "a changed file";
// one with another size still is.
func TestRestampAfterTheCacheTouchedATwin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "twin.gguf")
	if err := os.WriteFile(path, make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := stampOf(path)
	w := &Worker{modelStamp: st}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if !w.fileChanged(path, w.modelStamp) {
		t.Fatal("a new modification time should count as a change before restamp")
	}
	w.restamp(path)
	if w.fileChanged(path, w.modelStamp) {
		t.Error("touched twin still reported as changed after restamp")
	}
	if err := os.WriteFile(path, make([]byte, 500), 0o644); err != nil {
		t.Fatal(err)
	}
	w.restamp(path)
	if !w.fileChanged(path, w.modelStamp) {
		t.Error("a twin of another size must stay a changed file")
	}
}
