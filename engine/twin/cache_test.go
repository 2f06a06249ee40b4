package twin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/catalog"
	"slmscope/internal/safefile"
	"slmscope/internal/units"
)

func testCache(t *testing.T, capBytes int64) *Cache {
	t.Helper()
	return &Cache{Dir: filepath.Join(t.TempDir(), "twins"), CapBytes: capBytes}
}

func cachedIDs(t *testing.T, c *Cache) []string {
	t.Helper()
	es, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.ID+"."+e.Quant.FileTag())
	}
	return out
}

func setUsed(t *testing.T, p string, ago time.Duration) {
	t.Helper()
	at := time.Now().Add(-ago)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
}

// TestCacheEvictsLRU fills a small cache: the least recently used twin goes first, the
// recently used one stays, and the total stays under the cap.
func TestCacheEvictsLRU(t *testing.T) {
	m := catalog.Tiny
	q8, _ := Size(m, Q8_0)         // ≈ 5 MB
	q4, _ := Size(m, Q4_0)         // ≈ 3.5 MB
	f16, _ := Size(m, F16)         // ≈ 8 MB
	c := testCache(t, q8+f16+q4/2) // room for q8 and f16, not all three
	ctx := context.Background()
	p8, err := c.Path(ctx, m, Q8_0, nil)
	if err != nil {
		t.Fatal(err)
	}
	p4, err := c.Path(ctx, m, Q4_0, nil)
	if err != nil {
		t.Fatal(err)
	}
	setUsed(t, p8, 2*time.Hour)
	setUsed(t, p4, time.Hour)
	// Using q8 again makes q4 the least recently used.
	if again, err := c.Path(ctx, m, Q8_0, nil); err != nil || again != p8 {
		t.Fatalf("second Path = %q, %v; want %q", again, err, p8)
	}
	if _, err := c.Path(ctx, m, F16, nil); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cachedIDs(t, c), " ")
	if got != "tiny.f16 tiny.q8_0" {
		t.Errorf("cache holds %q, want the f16 and q8_0 twins", got)
	}
	if used, _ := c.Used(); used > c.CapBytes {
		t.Errorf("cache uses %d bytes, cap %d", used, c.CapBytes)
	}
	if _, err := os.Stat(p4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("evicted twin still on disk: %v", err)
	}
}

// TestCacheOldFormatAndTemps: twins from another writer version are evicted first, stale
// temporary files are removed, unrelated files are left alone.
func TestCacheOldFormatAndTemps(t *testing.T) {
	c := testCache(t, 1<<40)
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(c.Dir, "tiny.q8_0.twin999.gguf")
	stale := filepath.Join(c.Dir, ".tiny.q8_0.twin1.gguf.123.tmp")
	fresh := filepath.Join(c.Dir, ".tiny.q4_0.twin1.gguf.456.tmp")
	other := filepath.Join(c.Dir, "notes.txt")
	for _, p := range []string{old, stale, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	setUsed(t, stale, time.Hour)
	es, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Current || es[0].Format != 999 || es[0].ID != "tiny" {
		t.Fatalf("List = %+v, want only the old-format twin", es)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("stale temporary file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary file of a write in progress was removed")
	}
	if _, err := c.Path(context.Background(), catalog.Tiny, Q4_0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Error("old-format twin survived a write")
	}
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	if ids := cachedIDs(t, c); len(ids) != 0 {
		t.Errorf("after Clear: %v", ids)
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("Clear removed a file that is not a twin")
	}
}

func TestCacheRemove(t *testing.T) {
	c := testCache(t, 0)
	ctx := context.Background()
	for _, q := range []Quant{Q8_0, Q4_0} {
		if _, err := c.Path(ctx, catalog.Tiny, q, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Remove("tiny", Q8_0); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove("tiny", Q8_0); err != nil {
		t.Errorf("removing an absent twin: %v", err)
	}
	if got := strings.Join(cachedIDs(t, c), " "); got != "tiny.q4_0" {
		t.Errorf("after Remove: %q", got)
	}
}

// TestCacheRefuses injects small RAM, disk and cap numbers: each refusal is a *FitError
// naming both numbers in decimal units, and nothing is written.
func TestCacheRefuses(t *testing.T) {
	m, _ := catalog.ByID("smollm2-1.7b")
	size, err := Size(m, F16)
	if err != nil {
		t.Fatal(err)
	}
	const need = 5_000_000_000 // what the injected fit rule says the twin needs
	tests := []struct {
		name     string
		ram      uint64
		disk     uint64
		capBytes int64
		resource string
		want     []string
	}{
		{"ram", 2 << 30, 1 << 40, 0, "RAM", []string{"SmolLM2-1.7B twin (F16) needs 5.00 GB of RAM", "only 2.15 GB is available"}},
		{"disk", 64 << 30, 1 << 30, 0, "disk", []string{"needs " + units.Bytes(size+64<<20) + " of disk space", "only 1.07 GB is free"}},
		{"cap", 64 << 30, 1 << 40, 1 << 30, "cache cap", []string{"takes " + units.Bytes(size), "cap of 1.07 GB", EnvCap}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testCache(t, tc.capBytes)
			c.RAMCheck = func(catalog.Model, Quant) (int64, int64, bool) { return need, int64(tc.ram), need <= int64(tc.ram) }
			c.FreeDisk = func(string) (uint64, error) { return tc.disk, nil }
			_, err := c.Path(context.Background(), m, F16, nil)
			var fe *FitError
			if !errors.As(err, &fe) || !errors.Is(err, ErrDoesNotFit) || fe.Resource != tc.resource {
				t.Fatalf("err = %v, want a %s FitError", err, tc.resource)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			if ids := cachedIDs(t, c); len(ids) != 0 {
				t.Errorf("refused twin was written: %v", ids)
			}
		})
	}
	// Enough of everything: the disk probe failing ("unknown") does not block a write.
	c := testCache(t, 1<<30)
	c.RAMCheck = func(catalog.Model, Quant) (int64, int64, bool) { return 1, 64 << 30, true }
	c.FreeDisk = func(string) (uint64, error) { return 0, errors.New("unknown") }
	if _, err := c.Path(context.Background(), catalog.Tiny, Q4_0, nil); err != nil {
		t.Errorf("with RAM and an unknown disk: %v", err)
	}
}

func TestParseBytes(t *testing.T) {
	checkParse(t, "ParseBytes", ParseBytes, []parseCase[int64]{
		{"8GiB", 8 << 30, true},
		{"16G", 16 << 30, true},
		{"1.5 GiB", 3 << 29, true},
		{"500MB", 500e6, true},
		{"500mib", 500 << 20, true},
		{"1TB", 1e12, true},
		{"4096", 4096, true},
		{"", 0, false},
		{"abc", 0, false},
		{"-1GiB", 0, false},
		{"8XB", 0, false},
	})
}

func TestDefaultCache(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvCap, "8GiB")
	c, err := DefaultCache()
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != dir || c.CapBytes != 8<<30 || c.FreeDisk == nil || c.RAMCheck != nil {
		t.Errorf("DefaultCache = %+v", c)
	}
	t.Setenv(EnvCap, "lots")
	if _, err := DefaultCache(); err == nil || !strings.Contains(err.Error(), EnvCap) {
		t.Errorf("bad cap: err = %v", err)
	}
	t.Setenv(EnvCap, "")
	t.Setenv(EnvDir, "")
	c, err = DefaultCache()
	if err != nil {
		t.Fatal(err)
	}
	if c.CapBytes != DefaultCap || !strings.HasSuffix(c.Dir, filepath.Join("slmscope", "twins")) {
		t.Errorf("default cache = %+v", c)
	}
}

func TestParseName(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		q      Quant
		format int
		ok     bool
	}{
		{"qwen2.5-7b.q4_0.twin1.gguf", "qwen2.5-7b", Q4_0, 1, true},
		{"smollm2-135m.q8_0.twin12.gguf", "smollm2-135m", Q8_0, 12, true},
		{FileName(catalog.Tiny, F16), "tiny", F16, FormatVersion, true},
		{"model.gguf", "", "", 0, false},
		{"x.q9_9.twin1.gguf", "", "", 0, false},
		{".q8_0.twin1.gguf", "", "", 0, false},
		{"x.q8_0.twin0.gguf", "", "", 0, false},
		{"x.q8_0.twin1.gguf.tmp", "", "", 0, false},
	}
	for _, tc := range tests {
		id, q, f, ok := parseName(tc.name)
		if id != tc.id || q != tc.q || f != tc.format || ok != tc.ok {
			t.Errorf("parseName(%q) = %q %q %d %v", tc.name, id, q, f, ok)
		}
	}
}

func TestFreeDiskSpace(t *testing.T) {
	n, err := safefile.FreeSpace(t.TempDir())
	if err != nil {
		t.Skipf("not available here: %v", err)
	}
	if n == 0 {
		t.Error("a writable temp folder reports 0 bytes free")
	}
	if _, err := safefile.FreeSpace(filepath.Join(t.TempDir(), "no", "such")); err == nil {
		t.Error("a missing folder reported free space")
	}
}
