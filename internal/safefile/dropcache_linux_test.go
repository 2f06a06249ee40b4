//go:build linux

package safefile

import (
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestDropCachedEvictsAWrittenFile writes and flushes a file, then counts its pages in the page
// cache (mincore) before and after DropCached: a file's pages a write left cached must go.
func TestDropCachedEvictsAWrittenFile(t *testing.T) {
	dir := t.TempDir()
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err == nil && fs.Type == unix.TMPFS_MAGIC {
		// tmpfs pages are the file itself and never drop: use the disk under the package
		d, err := os.MkdirTemp(".", "dropcache-*")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(d) })
		dir = d
	}
	f, err := os.Create(dir + "/weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const size = 8 << 20
	if _, err := f.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	before := residentPages(t, f, size)
	if before == 0 {
		t.Skip("the file system kept none of a file just written in the page cache")
	}
	if !DropCached(f) {
		t.Fatal("DropCached: the kernel refused the advice")
	}
	if after := residentPages(t, f, size); after*10 > before {
		t.Errorf("%d of %d cached pages are still cached after DropCached", after, before)
	}
}

// residentPages maps f and counts its pages that mincore finds in memory.
func residentPages(t *testing.T, f *os.File, size int) int {
	t.Helper()
	m, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (size+os.Getpagesize()-1)/os.Getpagesize())
	// x/sys has no Mincore wrapper on Linux: the raw call, as mincore(2) is declared
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(size), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatal(errno)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n
}
