package safefile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// badPaths builds one path of every kind that must be refused, with words the message must
// contain. Kinds the OS cannot make here are left out.
func badPaths(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{
		dir:                                "folder",
		filepath.Join(dir, "missing.gguf"): "does not exist",
		"":                                 "empty path",
	}
	if runtime.GOOS == "windows" {
		return out
	}
	fifo := filepath.Join(dir, "pipe.gguf")
	if err := MakeFIFO(fifo); err == nil {
		out[fifo] = "named pipe"
	}
	for _, dev := range []string{"/dev/zero", "/dev/urandom", "/dev/null"} {
		if _, err := os.Stat(dev); err == nil {
			out[dev] = "character device"
		}
	}
	loop := filepath.Join(dir, "loop.gguf")
	os.Symlink(loop, loop)
	out[loop] = "link loop"
	dangling := filepath.Join(dir, "dangling.gguf")
	os.Symlink(filepath.Join(dir, "gone"), dangling)
	out[dangling] = "which does not exist"
	sock := filepath.Join(dir, "s.sock")
	if l, err := net.Listen("unix", sock); err == nil {
		t.Cleanup(func() { l.Close() })
		out[sock] = "socket"
	}
	return out
}

// TestRefusesNonRegular: every kind of non-regular path is refused in words, at once.
func TestRefusesNonRegular(t *testing.T) {
	for path, want := range badPaths(t) {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(path, 1<<20)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: got %v, want %q", path, err, want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%q: %T is not a *safefile.Error", path, err)
			}
		case <-time.After(time.Minute): // a hang guard, not a speed goal
			t.Fatalf("%q: ReadFile hung", path)
		}
	}
}

// TestUnreadable: a file without read permission is refused with advice (root reads all).
func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("root can read any file")
	}
	p := filepath.Join(t.TempDir(), "locked.json")
	os.WriteFile(p, []byte("{}"), 0o000)
	if _, err := ReadFile(p, 0); err == nil || !strings.Contains(err.Error(), "permission") {
		t.Fatalf("got %v", err)
	}
}

// TestReadFileLimits: a regular file reads; one over the limit is a *TooLargeError.
func TestReadFileLimits(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, []byte("hello"), 0o644)
	if b, err := ReadFile(p, 5); err != nil || string(b) != "hello" {
		t.Fatalf("got %q %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(p, 4); !errors.As(err, &tl) {
		t.Fatalf("got %v", err)
	}
	link := p + ".link"
	os.Symlink(p, link)
	if b, err := ReadFile(link, 0); err != nil || string(b) != "hello" {
		t.Fatalf("a link to a regular file: %q %v", b, err)
	}
}

// TestLockExcludes: a second Lock on the same path waits until the first is released.
func TestLockExcludes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "state.json")
	unlock, err := Lock(p)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 1)
	go func() {
		u2, err := Lock(p)
		if err != nil {
			t.Error(err)
		}
		got <- time.Now()
		u2()
	}()
	time.Sleep(100 * time.Millisecond)
	released := time.Now()
	unlock()
	if at := <-got; at.Before(released) {
		t.Fatal("the second lock was granted while the first was held")
	}
	old := LockWait
	LockWait = 50 * time.Millisecond
	defer func() { LockWait = old }()
	u, _ := Lock(p)
	defer u()
	if _, err := Lock(p); err == nil || !strings.Contains(err.Error(), "held by another slmscope") {
		t.Fatalf("a held lock: %v", err)
	}
}

// TestWriteAtomicCrash: a failed rename leaves the old file and no temp file behind.
func TestWriteAtomicCrash(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.json")
	os.WriteFile(p, []byte("old"), 0o644)
	Rename = func(string, string) error { return errors.New("power cut") }
	defer func() { Rename = os.Rename }()
	if err := WriteAtomic(p, []byte("new")); err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("file is %q", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left behind: %v", es)
	}
}
