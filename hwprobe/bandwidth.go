package hwprobe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"slmscope/internal/units"

	"github.com/shirou/gopsutil/v3/host"

	"slmscope/internal/safefile"
	"slmscope/internal/statefile"
)

// DefaultBandwidthBytes is the benchmark's total buffer: three arrays of ~85 MiB, far larger
// than a desktop's last-level cache, so the loops stream from DRAM. Larger buffers cost more
// page-fault time than they add accuracy (measured here: 384 MiB took 0.66 s just to touch).
const DefaultBandwidthBytes = 256 << 20

// minBandwidthBytes is the smallest buffer used when memory is short.
const minBandwidthBytes = 48 << 20

// Bandwidth is the measured CPU memory bandwidth beside the theoretical figure.
type Bandwidth struct {
	// ReadGBps is a multi-threaded sequential read (sum of 64-bit words), best pass, 1e9 bytes/s.
	ReadGBps float64 `json:"read_gbps"`
	// TriadGBps is STREAM's triad a[i] = b[i] + s·c[i], counting 3 × 8 bytes per element.
	TriadGBps   float64   `json:"triad_gbps"`
	Threads     int       `json:"threads,omitempty"`
	BufferBytes uint64    `json:"buffer_bytes,omitempty"`
	Passes      int       `json:"passes,omitempty"`
	Seconds     float64   `json:"seconds,omitempty"`
	MeasuredAt  time.Time `json:"measured_at,omitzero"`
	// Cached is true when the figures come from bandwidth.json (measured earlier this boot).
	Cached bool   `json:"cached"`
	Source string `json:"source"`
	// Note says why nothing was measured, when ReadGBps is 0.
	Note string `json:"note,omitempty"`

	TheoreticalGBps   float64 `json:"theoretical_gbps"`
	TheoreticalSource string  `json:"theoretical_source"`
}

// bandwidthCache is bandwidth.json.
type bandwidthCache struct {
	// Version is bandwidthCacheVersion (0 in files from before it was recorded).
	Version     int       `json:"version,omitempty"`
	BootID      string    `json:"boot_id"`
	ReadGBps    float64   `json:"read_gbps"`
	TriadGBps   float64   `json:"triad_gbps"`
	Threads     int       `json:"threads"`
	BufferBytes uint64    `json:"buffer_bytes"`
	Passes      int       `json:"passes"`
	Seconds     float64   `json:"seconds"`
	MeasuredAt  time.Time `json:"measured_at"`
}

// CachedBandwidth returns this boot's bandwidth measurement from the cache, measuring (and
// caching) it when there is none or opts.Remeasure is set. With opts.SkipBandwidth it only
// reads the cache. The theoretical figure is filled either way.
func CachedBandwidth(ctx context.Context, opts Options) Bandwidth {
	ram, _ := memoryWith(ctx, opts)
	return probeBandwidth(ctx, opts, ram)
}

func probeBandwidth(ctx context.Context, opts Options, ram RAM) Bandwidth {
	bootID, bootErr := bootID(ctx, opts)
	dir, dirErr := opts.cacheDir()
	file := ""
	if dirErr == nil {
		file = filepath.Join(dir, "bandwidth.json")
	}
	// Without a boot ID or a cache folder a measurement can be neither found nor kept.
	cacheErr := errors.Join(bootErr, dirErr)
	var bw Bandwidth
	note := ""
	if !opts.Remeasure && cacheErr == nil {
		bw, note = cachedBandwidth(file, bootID)
	}
	switch {
	case bw.Cached:
	case opts.SkipBandwidth:
		bw.Note = "not measured (skipped; run without --no-bandwidth or press Re-measure)"
	default:
		bw = measureAndCache(ctx, opts, ram, file, bootID, cacheErr)
	}
	if note != "" { // the old cache file was damaged and kept aside: say so where the figure is
		if bw.ReadGBps > 0 {
			bw.Source += " (" + note + ")"
		} else {
			bw.Note = strings.TrimSpace(bw.Note + "; " + note)
		}
	}
	bw.TheoreticalGBps, bw.TheoreticalSource = theoreticalCPUBandwidth(opts)
	return bw
}

// cachedBandwidth returns the measurement cached in file if it was taken this boot (Cached
// is false otherwise), and a note when the cache file was damaged and kept aside.
func cachedBandwidth(file, bootID string) (Bandwidth, string) {
	c, err := loadBandwidthCache(file)
	note := statefile.Note(err)
	if err == nil && c.BootID == bootID && c.ReadGBps > 0 {
		return Bandwidth{ReadGBps: c.ReadGBps, TriadGBps: c.TriadGBps, Threads: c.Threads, BufferBytes: c.BufferBytes,
			Passes: c.Passes, Seconds: c.Seconds, MeasuredAt: c.MeasuredAt, Cached: true,
			Source: fmt.Sprintf("measured %s this boot by slmscope's Go microbenchmark, cached in %s", c.MeasuredAt.Local().Format("15:04"), file)}, note
	}
	return Bandwidth{}, note
}

// measureAndCache measures the bandwidth on all threads and caches it in file for this boot;
// cacheErr says why it cannot be cached, and the source says so.
func measureAndCache(ctx context.Context, opts Options, ram RAM, file, bootID string, cacheErr error) Bandwidth {
	size := opts.BandwidthBytes
	if size == 0 {
		size = bandwidthSize(ram.AvailableBytes)
	}
	m, err := MeasureBandwidth(ctx, size, runtime.GOMAXPROCS(0))
	if err != nil {
		return Bandwidth{Note: "not measured: " + err.Error()}
	}
	if cacheErr != nil {
		m.Source += " (not cached: " + errOr(cacheErr, "") + ")"
	} else if err := saveBandwidthCache(file, bandwidthCache{BootID: bootID, ReadGBps: m.ReadGBps, TriadGBps: m.TriadGBps,
		Threads: m.Threads, BufferBytes: m.BufferBytes, Passes: m.Passes, Seconds: m.Seconds, MeasuredAt: m.MeasuredAt}); err != nil {
		m.Source += " (not cached: " + err.Error() + ")"
	}
	return m
}

// bandwidthSize picks the buffer: the default, shrunk to a quarter of available memory.
func bandwidthSize(available uint64) uint64 {
	size := uint64(DefaultBandwidthBytes)
	if available > 0 && available/4 < size {
		size = max(available/4, minBandwidthBytes)
	}
	return size
}

// MeasureBandwidth runs the read and triad loops on threads goroutines over bufferBytes of
// memory (split in three arrays) and returns the best pass of each, in GB/s (1e9 bytes/s).
// It takes about half a second on a desktop (page faults for the buffer, then passes for 0.3 s); ctx cancels it between passes.
func MeasureBandwidth(ctx context.Context, bufferBytes uint64, threads int) (Bandwidth, error) {
	if threads < 1 {
		threads = 1
	}
	n := int(bufferBytes / 3 / 8)
	n -= n % (8 * threads)
	if n < 8*threads {
		return Bandwidth{}, fmt.Errorf("a %d-byte buffer is too small to measure bandwidth", bufferBytes)
	}
	start := time.Now()
	a := make([]float64, n)
	b := make([]float64, n)
	c := make([]float64, n)
	chunk := n / threads
	// Touch every page in parallel so page faults are not timed.
	parallel(threads, func(t int) {
		lo, hi := t*chunk, (t+1)*chunk
		for i := lo; i < hi; i++ {
			a[i], b[i], c[i] = 1, 2, 0.5
		}
	})
	ua := asUint64(a)
	readBytes := float64(3*n) * 8
	triadBytes := float64(3*n) * 8
	var bestRead, bestTriad float64
	passes := 0
	const maxPasses, minPasses = 10, 3
	budget := 300 * time.Millisecond // after allocation and first touch
	passStart := time.Now()
	sinks := make([]uint64, threads*8) // one cache line per thread
	for passes < maxPasses && (passes < minPasses || time.Since(passStart) < budget) {
		if err := ctx.Err(); err != nil {
			return Bandwidth{}, err
		}
		t0 := time.Now()
		parallel(threads, func(t int) {
			lo, hi := t*chunk, (t+1)*chunk
			sinks[t*8] += sumWords(ua[lo:hi]) + sumWords(asUint64(b[lo:hi])) + sumWords(asUint64(c[lo:hi]))
		})
		if d := time.Since(t0).Seconds(); d > 0 {
			bestRead = max(bestRead, readBytes/d/1e9)
		}
		t0 = time.Now()
		parallel(threads, func(t int) {
			lo, hi := t*chunk, (t+1)*chunk
			triad(a[lo:hi], b[lo:hi], c[lo:hi], 3)
		})
		if d := time.Since(t0).Seconds(); d > 0 {
			bestTriad = max(bestTriad, triadBytes/d/1e9)
		}
		passes++
	}
	runtime.KeepAlive(sinks)
	return Bandwidth{
		ReadGBps: bestRead, TriadGBps: bestTriad, Threads: threads, BufferBytes: uint64(3*n) * 8, Passes: passes,
		Seconds: time.Since(start).Seconds(), MeasuredAt: time.Now(),
		Source: fmt.Sprintf("measured by slmscope's Go microbenchmark: %d threads over %s, best of %d passes",
			threads, units.BytesU(uint64(3*n)*8), passes),
	}, nil
}

// parallel runs f(0..threads-1) concurrently and waits for all of them.
func parallel(threads int, f func(t int)) {
	var wg sync.WaitGroup
	wg.Add(threads)
	for t := 0; t < threads; t++ {
		go func() {
			defer wg.Done()
			f(t)
		}()
	}
	wg.Wait()
}

// sumWords adds 64-bit words with eight independent accumulators so the loop is bound by
// memory, not by one add chain.
func sumWords(x []uint64) uint64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 uint64
	for len(x) >= 8 {
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
		s4 += x[4]
		s5 += x[5]
		s6 += x[6]
		s7 += x[7]
		x = x[8:]
	}
	for _, v := range x {
		s0 += v
	}
	return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}

// triad is STREAM's a = b + s·c.
func triad(a, b, c []float64, s float64) {
	b = b[:len(a)]
	c = c[:len(a)]
	for i := range a {
		a[i] = b[i] + s*c[i]
	}
}

func bootID(ctx context.Context, opts Options) (string, error) {
	if b, err := os.ReadFile(opts.path("/proc/sys/kernel/random/boot_id")); err == nil {
		if id := strings.TrimSpace(string(b)); id != "" {
			return id, nil
		}
	}
	bt, err := host.BootTimeWithContext(opts.ctx(ctx))
	if err != nil || bt == 0 {
		return "", fmt.Errorf("boot time unknown: %v", errOr(err, "0"))
	}
	return fmt.Sprintf("boot-time:%d", bt), nil
}

// bandwidthCacheVersion is the bandwidth.json format this slmscope writes.
const bandwidthCacheVersion = 1

// loadBandwidthCache reads bandwidth.json through statefile: a damaged or future-version file
// is moved aside (the error says where) and the bandwidth is measured again.
func loadBandwidthCache(file string) (bandwidthCache, error) {
	var c bandwidthCache
	err := statefile.Load("memory bandwidth cache", file, func(b []byte) error {
		if err := statefile.JSON(&c, 0)(b); err != nil {
			return err
		}
		if c.Version > bandwidthCacheVersion {
			return fmt.Errorf("it was written by a newer slmscope (format version %d; this one reads up to %d)", c.Version, bandwidthCacheVersion)
		}
		if math.IsNaN(c.ReadGBps) || math.IsInf(c.ReadGBps, 0) || c.ReadGBps < 0 || c.ReadGBps > 1e5 {
			return fmt.Errorf("its bandwidth %v GB/s is impossible", c.ReadGBps)
		}
		return nil
	})
	return c, err
}

func saveBandwidthCache(file string, c bandwidthCache) error {
	c.Version = bandwidthCacheVersion
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	unlock, err := safefile.Lock(file)
	if err != nil {
		return err
	}
	defer unlock()
	return safefile.WriteAtomic(file, b)
}

// asUint64 views float64s as their 64-bit patterns (the read loop only needs the bytes).
func asUint64(x []float64) []uint64 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(&x[0])), len(x))
}
