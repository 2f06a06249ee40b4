//go:build unix

package localmodels

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScanNamedPipe: a FIFO named x.gguf is refused without being opened (opening one
// blocks until a writer appears), so the scan finishes.
func TestScanNamedPipe(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(f.home, ".cache", "llama.cpp")
	writeTiny(t, filepath.Join(dir, "good.gguf"))
	if err := syscall.Mkfifo(filepath.Join(dir, "x.gguf"), 0o644); err != nil {
		t.Skip("cannot make a named pipe here:", err)
	}
	// A link to the pipe must be refused too.
	symlink(t, "x.gguf", filepath.Join(dir, "link.gguf"))
	done := make(chan []Model, 1)
	go func() { done <- f.scan(f.options()) }()
	select {
	case ms := <-done:
		got := byName(ms)
		for _, n := range []string{"llama.cpp:x.gguf", "llama.cpp:link.gguf"} {
			if p := got[n].Problem; !strings.Contains(p, "named pipe") {
				t.Errorf("%s: problem %q", n, p)
			}
		}
		if !got["llama.cpp:good.gguf"].OK() {
			t.Errorf("good model: %+v", got["llama.cpp:good.gguf"])
		}
	case <-time.After(time.Minute): // a hang guard, not a speed goal
		t.Fatal("the scan hung on a named pipe")
	}
}
