package twin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"slmscope/engine/catalog"
	"slmscope/internal/safefile"
	"slmscope/internal/units"
)

// Environment variables that configure DefaultCache.
const (
	EnvCap = "SLMSCOPE_TWIN_CAP" // cache size cap, e.g. "8GiB" or "500MB"
	EnvDir = "SLMSCOPE_TWIN_DIR" // cache folder instead of <user cache dir>/slmscope/twins
)

// DefaultCap is the cache cap when SLMSCOPE_TWIN_CAP is not set.
const DefaultCap = 16 << 30

// RunContext is the context length the RAM check judges a twin at (Live run's default).
const RunContext = 4096

// staleTemp is how old an unfinished write's temporary file must be before the cache
// deletes it (younger ones may belong to a write in progress in another process).
const staleTemp = 10 * time.Minute

// Cache keeps twins in Dir, at most CapBytes in total, evicting the least recently used.
type Cache struct {
	Dir      string
	CapBytes int64 // 0 or less: no cap
	// RAMCheck says whether m's twin at q would fit this machine to run, with the bytes it
	// needs and has (engine.NewTwinCache sets slmscope's one fit rule); nil skips the check.
	RAMCheck func(m catalog.Model, q Quant) (need, have int64, fits bool)
	// FreeDisk returns the free bytes on dir's file system; nil, or an error from it, skips
	// the disk check.
	FreeDisk func(dir string) (uint64, error)

	mu sync.Mutex // serialises writes, evictions and removals within this process
}

// Entry is one twin file in the cache.
type Entry struct {
	ID       string    // catalog model ID
	Quant    Quant     // quantization
	Format   int       // writer FormatVersion the file was made with
	Path     string    // absolute path
	Bytes    int64     // file size
	LastUsed time.Time // last written or handed out by Path
	// Current is false for a twin from an older writer; Path never returns one, and
	// eviction removes them first.
	Current bool
}

// FitError says a twin was refused before writing because it would not fit: in RAM to run
// it, on disk, or under the cache cap.
type FitError struct {
	Model    string // display name
	Quant    Quant
	Resource string // "RAM", "disk" or "cache cap"
	Need     int64  // bytes needed
	Have     int64  // bytes available
	Dir      string // the cache folder (disk and cap refusals)
}

// ErrDoesNotFit is what every *FitError matches with errors.Is.
var ErrDoesNotFit = errors.New("twin does not fit on this machine")

func (e *FitError) Error() string {
	what := fmt.Sprintf("the %s twin (%s)", e.Model, e.Quant)
	switch e.Resource {
	case "RAM":
		return fmt.Sprintf("%s needs %s of RAM to run, but only %s is available: pick a smaller model or quantization", what, units.Bytes(e.Need), units.Bytes(e.Have))
	case "disk":
		return fmt.Sprintf("%s needs %s of disk space in %s, but only %s is free: free some space or set %s to another folder", what, units.Bytes(e.Need), e.Dir, units.Bytes(e.Have), EnvDir)
	}
	return fmt.Sprintf("%s takes %s, more than the twin cache cap of %s: raise %s (e.g. %s=64GiB) or pick a smaller quantization", what, units.Bytes(e.Need), units.Bytes(e.Have), EnvCap, EnvCap)
}

// Unwrap lets errors.Is(err, ErrDoesNotFit) match.
func (e *FitError) Unwrap() error { return ErrDoesNotFit }

// DefaultCache returns the cache in <user cache dir>/slmscope/twins (or $SLMSCOPE_TWIN_DIR),
// capped at 16 GiB or $SLMSCOPE_TWIN_CAP, with this OS's free-disk check. It has no RAM
// check: engine.NewTwinCache adds the one fit rule for twins that are written to be run.
func DefaultCache() (*Cache, error) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("cannot find a folder for cached twins (%w): set %s", err, EnvDir)
		}
		dir = filepath.Join(base, "slmscope", "twins")
	}
	capBytes := int64(DefaultCap)
	if s := os.Getenv(EnvCap); s != "" {
		n, err := ParseBytes(s)
		if err != nil {
			return nil, fmt.Errorf("%s=%s: %w", EnvCap, s, err)
		}
		capBytes = n
	}
	return &Cache{Dir: dir, CapBytes: capBytes, FreeDisk: safefile.FreeSpace}, nil
}

// ParseBytes reads a size such as "8GiB", "1.5 GB", "500MB", "16G" (G, M, K and T mean
// GiB, MiB, KiB, TiB) or a plain number of bytes.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || v*mult > 1<<62 {
		return 0, fmt.Errorf("%q is not a size: write it like 8GiB, 500MB or 16G", s)
	}
	return int64(v * mult), nil
}

// Has reports whether the twin of m in quantization q is already in the cache.
func (c *Cache) Has(m catalog.Model, q Quant) bool {
	size, err := Size(m, q)
	if err != nil {
		return false
	}
	return stampMatches(filepath.Join(c.Dir, FileName(m, q)), size)
}

// Path returns the cached twin of m in quantization q, writing it first if needed. Before
// writing it refuses, with a *FitError naming both numbers, a twin that would not fit in
// available RAM, on disk or under the cap; then it evicts least-recently-used twins to make
// room. progress is passed to Write (nil for none). A returned twin counts as just used.
func (c *Cache) Path(ctx context.Context, m catalog.Model, q Quant, progress func(done, total int64)) (string, error) {
	size, err := Size(m, q)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot create the twin cache folder: %w", err)
	}
	path := filepath.Join(c.Dir, FileName(m, q))
	// One writer per twin across processes: a second slmscope waits here, then finds the
	// twin complete instead of writing over it.
	unlock, err := safefile.Lock(path)
	if err != nil {
		return "", err
	}
	defer unlock()
	if stampMatches(path, size) {
		now := time.Now()
		os.Chtimes(path, now, now)
		return path, nil
	}
	// Cut short, unstamped (an older slmscope or a crash before the stamp) or rewritten:
	// drop it and write it again.
	if err := removeTwin(path); err != nil {
		return "", fmt.Errorf("cannot replace the damaged twin %s: %w", path, err)
	}

	if err := c.checkLimits(m, q, size); err != nil {
		return "", err
	}
	if err := c.makeRoom(m, q, size, path); err != nil {
		return "", err
	}
	if err := Write(ctx, m, q, path, progress); err != nil {
		return "", err
	}
	if err := writeStamp(path); err != nil {
		return "", fmt.Errorf("the %s twin was written but could not be stamped as complete (%w): check the cache folder %s", m.Name, err, c.Dir)
	}
	return path, nil
}

// checkLimits refuses, with a *FitError, a twin of size bytes that would not fit in
// available RAM or under the cache cap.
func (c *Cache) checkLimits(m catalog.Model, q Quant, size int64) error {
	if c.RAMCheck != nil {
		if need, have, fits := c.RAMCheck(m, q); !fits {
			return &FitError{Model: m.Name, Quant: q, Resource: "RAM", Need: need, Have: have}
		}
	}
	if c.CapBytes > 0 && size > c.CapBytes {
		return &FitError{Model: m.Name, Quant: q, Resource: "cache cap", Need: size, Have: c.CapBytes, Dir: c.Dir}
	}
	return nil
}

// makeRoom evicts twins so that a new one of size bytes at path stays under the cap, after
// checking that the disk will have room for it once they are gone.
func (c *Cache) makeRoom(m catalog.Model, q Quant, size int64, path string) error {
	evict, freed, err := c.planEviction(size, path)
	if err != nil {
		return err
	}
	if err := c.checkDisk(m, q, size, freed); err != nil {
		return err
	}
	for _, e := range evict {
		if err := removeTwin(e.Path); err != nil {
			return fmt.Errorf("cannot make room in the twin cache: %w", err)
		}
	}
	return nil
}

// checkDisk refuses, with a *FitError, a twin of size bytes that the free disk space plus
// the freed bytes of evicted twins cannot hold. A disk whose free space is unknown passes.
func (c *Cache) checkDisk(m catalog.Model, q Quant, size, freed int64) error {
	if c.FreeDisk == nil {
		return nil
	}
	const margin = 64 << 20 // keep the file system from filling to the last byte
	if free, err := c.FreeDisk(c.Dir); err == nil {
		if have := int64(min(free, 1<<62)) + freed; size+margin > have {
			return &FitError{Model: m.Name, Quant: q, Resource: "disk", Need: size + margin, Have: have, Dir: c.Dir}
		}
	}
	return nil
}

// planEviction picks the twins to delete so that the cache plus a new file of size bytes
// stays under the cap: older-format twins first, then least recently used. keep is never
// picked. It returns the picks and the bytes they free.
func (c *Cache) planEviction(size int64, keep string) ([]Entry, int64, error) {
	entries, err := c.List()
	if err != nil {
		return nil, 0, err
	}
	var total int64
	var cands []Entry
	for _, e := range entries {
		if e.Path == keep {
			continue
		}
		total += e.Bytes
		cands = append(cands, e)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Current != cands[j].Current {
			return !cands[i].Current
		}
		return cands[i].LastUsed.Before(cands[j].LastUsed)
	})
	var out []Entry
	var freed int64
	for _, e := range cands {
		if !e.Current || (c.CapBytes > 0 && total-freed+size > c.CapBytes) {
			out = append(out, e)
			freed += e.Bytes
		}
	}
	return out, freed, nil
}

// parseName splits "qwen2.5-7b.q4_0.twin1.gguf" into ID, quant and format version.
func parseName(name string) (id string, q Quant, format int, ok bool) {
	rest, found := strings.CutSuffix(name, ".gguf")
	if !found {
		return "", "", 0, false
	}
	i := strings.LastIndex(rest, ".twin")
	if i < 0 {
		return "", "", 0, false
	}
	format, err := strconv.Atoi(rest[i+len(".twin"):])
	if err != nil || format <= 0 {
		return "", "", 0, false
	}
	rest = rest[:i]
	j := strings.LastIndex(rest, ".")
	if j <= 0 {
		return "", "", 0, false
	}
	q, err = ParseQuant(rest[j+1:])
	if err != nil {
		return "", "", 0, false
	}
	return rest[:j], q, format, true
}

// List returns the twins in the cache, most recently used first. A missing cache folder
// is an empty cache. Stale temporary files from interrupted writes are deleted on the way.
func (c *Cache) List() ([]Entry, error) {
	des, err := os.ReadDir(c.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the twin cache: %w", err)
	}
	var out []Entry
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		name := de.Name()
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") {
			if time.Since(info.ModTime()) > staleTemp {
				os.Remove(filepath.Join(c.Dir, name))
			}
			continue
		}
		id, q, format, ok := parseName(name)
		if !ok {
			continue
		}
		out = append(out, Entry{
			ID: id, Quant: q, Format: format, Path: filepath.Join(c.Dir, name),
			Bytes: info.Size(), LastUsed: info.ModTime(), Current: format == FormatVersion,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastUsed.After(out[j].LastUsed) })
	return out, nil
}

// Remove deletes the cached twins of model id in quantization q (of any format version);
// removing a twin that is not cached is not an error.
func (c *Cache) Remove(id string, q Quant) error {
	return c.removeWhere(func(e Entry) bool { return strings.EqualFold(e.ID, id) && e.Quant == q }, "cannot remove a twin")
}

// Clear deletes every cached twin (other files in the folder are left alone).
func (c *Cache) Clear() error {
	return c.removeWhere(func(Entry) bool { return true }, "cannot clear the twin cache")
}

// removeWhere deletes the cached twins that match, under the cache's lock.
func (c *Cache) removeWhere(match func(Entry) bool, what string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	entries, err := c.List()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if match(e) {
			if err := removeTwin(e.Path); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
	}
	return nil
}

// Used returns the total bytes of the cached twins.
func (c *Cache) Used() (int64, error) {
	entries, err := c.List()
	var n int64
	for _, e := range entries {
		n += e.Bytes
	}
	return n, err
}
