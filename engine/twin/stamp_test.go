package twin

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/internal/proctest"
)

// TestCacheRewritesDamagedTwins: a twin cut short (a crash mid-write), one with no stamp
// (an older slmscope), one rewritten in place and one with a garbage stamp are each
// detected and written again, whole.
func TestCacheRewritesDamagedTwins(t *testing.T) {
	ctx := context.Background()
	damage := map[string]func(path string){
		"cut short": func(p string) { os.Truncate(p, 1000) },
		"no stamp":  func(p string) { os.Remove(stampPath(p)) },
		"rewritten": func(p string) {
			f, _ := os.OpenFile(p, os.O_WRONLY, 0)
			f.WriteAt([]byte("garbage!"), 100)
			f.Close()
		},
		"garbage stamp": func(p string) { os.WriteFile(stampPath(p), []byte("{\x00"), 0o644) },
		"future stamp": func(p string) {
			os.WriteFile(stampPath(p), []byte(`{"version": 99}`), 0o644)
		},
	}
	for name, f := range damage {
		t.Run(name, func(t *testing.T) {
			c := testCache(t, 0)
			p, err := c.Path(ctx, catalog.Tiny, Q8_0, nil)
			if err != nil {
				t.Fatal(err)
			}
			f(p)
			if c.Has(catalog.Tiny, Q8_0) {
				t.Fatal("a damaged twin counts as cached")
			}
			p2, err := c.Path(ctx, catalog.Tiny, Q8_0, nil)
			if err != nil || p2 != p {
				t.Fatalf("%s %v", p2, err)
			}
			if _, err := gguf.Open(p); err != nil {
				t.Fatalf("the rewritten twin: %v", err)
			}
			if !c.Has(catalog.Tiny, Q8_0) {
				t.Fatal("the rewritten twin is not stamped")
			}
		})
	}
}

// TestTwinHelperProcess is the child of TestCacheTwoWriters: it asks the cache for a twin.
func TestTwinHelperProcess(t *testing.T) {
	dir, _, _ := proctest.Writer(t)
	c := &Cache{Dir: dir}
	p, err := c.Path(context.Background(), catalog.Tiny, Q8_0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gguf.Open(p); err != nil {
		t.Fatal(err)
	}
}

// TestCacheTwoWriters: two processes asking for the same twin at once both get a whole,
// valid file; neither corrupts the other's.
func TestCacheTwoWriters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "twins")
	proctest.RunWriters(t, "TestTwinHelperProcess", dir, 1, "writer 0", "writer 1", "writer 2")
	c := &Cache{Dir: dir}
	if !c.Has(catalog.Tiny, Q8_0) {
		t.Fatal("the twin is not whole after two writers")
	}
	es, _ := c.List()
	if len(es) != 1 {
		t.Fatalf("%d twins listed", len(es))
	}
}
