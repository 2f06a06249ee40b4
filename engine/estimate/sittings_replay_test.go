package estimate

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// sittingRecord is testdata/sittings_epyc_2c.json: what scripts/sitting.sh kept of each sitting
// (a fresh home, the default calibration, then large twins benched), so that every change to
// the speed model is held against the same real measurements. A bench on another thread count
// than its calibration (one chose 1 thread beside a busy compiler) is not in it.
type sittingRecord struct {
	Machine  string `json:"machine"`
	Sittings []struct {
		Sitting     string      `json:"sitting"`
		Calibration Calibration `json:"calibration"`
		Benches     []struct {
			ID      string      `json:"id"`
			Quant   quant.Quant `json:"quant"`
			Context int         `json:"context"`
			Prompt  int         `json:"prompt_tokens"`
			GenTPS  float64     `json:"gen_tps"`
		} `json:"benches"`
	} `json:"sittings"`
}

// sittingsFirst is the first instance's record (2026-12-06); sittingsSecond another instance
// of the same kind, never tuned on, whose sittings were kept the day after (2026-12-07): S25–S29
// in its first hour and a half, S31–S35 four hours after boot; sittingsThird a third, never
// tuned on, in its first hour (S36–S38 and S40, 2026-12-07 23:35 to 12-08 00:25), whose host
// moved its pace by up to 1.4× within the hour (the 8B twin's token 137–196 ms on two threads).
const (
	sittingsFirst  = "testdata/sittings_epyc_2c.json"
	sittingsSecond = "testdata/sittings_epyc_2c_1207.json"
	sittingsThird  = "testdata/sittings_epyc_2c_1207b.json"
)

// loadSittings reads a kept sittings' record.
func loadSittings(t *testing.T, path string) sittingRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec sittingRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestSittingsReplay projects, from each kept sitting's calibration and with this code, the
// large twins that sitting then measured (Llama-3.1-8B, Qwen3-4B, gpt-oss-20b: 2 to 28 times
// the largest ladder twin), against each bench's mean speed, and holds each record to what
// the speed model achieved on it, with a little room. When kept, the first instance's 42
// benches were at a median error of 5.6 % with 40 inside their bands, and the second's first
// 14 (projected by the same code before they ran) at 8.2 % with 13 inside. With the weights'
// ceiling on one thread (kernelextrap.go) the first is at 4.6 %, and the second, grown to 24
// with five sittings of which four on one thread, at 4.7 % with 22 inside. The third's 11,
// projected by this code before they ran, are at 11.1 % with all 11 inside: its misses are
// the machine's pace (docs/accuracy.md, "A third new VM instance"). A change that helps
// the ladder's own leave-one-out but moves these, such as a per-block cost counted by the norms
// and biases (7.2 % on the first, tried 2026-12-07), or a ceiling from the second-fastest
// streaming run rather than the fastest (8.4 % and 11.8 %, tried the same day), fails here.
func TestSittingsReplay(t *testing.T) {
	for _, c := range []struct {
		path           string
		benches        int
		maxMedian      float64 // percent; the record's own median and a little room
		minInsideShare float64
	}{
		{sittingsFirst, 42, 5.5, 0.85},
		{sittingsSecond, 24, 6.5, 0.85},
		{sittingsThird, 11, 12, 0.85},
	} {
		t.Run(c.path, func(t *testing.T) {
			med, share, n := replaySittings(t, loadSittings(t, c.path))
			if n != c.benches {
				t.Fatalf("%d benches replayed, want the record's %d", n, c.benches)
			}
			if med > c.maxMedian {
				t.Errorf("median decode error %.1f %% over the kept sittings (limit %.1f)", med, c.maxMedian)
			}
			if share < c.minInsideShare {
				t.Errorf("%.0f %% of the kept sittings' measurements inside their bands (limit %.0f)", 100*share, 100*c.minInsideShare)
			}
		})
	}
}

// replaySittings projects every bench of rec from its sitting's calibration: the median
// error (percent), the share inside their bands, and how many there were.
func replaySittings(t *testing.T, rec sittingRecord) (median, inside float64, n int) {
	t.Helper()
	var errs []float64
	in := 0
	for _, s := range rec.Sittings {
		for _, b := range s.Benches {
			m, ok := catalog.ByID(b.ID)
			if !ok {
				t.Fatalf("sitting %s: %s is not in the catalog", s.Sitting, b.ID)
			}
			ps, perr := ProjectWith(s.Calibration.Machine, s.Calibration, []catalog.Model{m}, []quant.Quant{b.Quant}, Options{Context: b.Context, PromptTokens: b.Prompt})
			if len(perr) > 0 || len(ps) != 1 {
				t.Fatalf("sitting %s, %s %s: %v", s.Sitting, b.ID, b.Quant, perr)
			}
			// the bench's mean, as every screen shows it and as the projection is made
			p, measured := ps[0], b.GenTPS
			e := 100 * relErr(p.DecodeTPS, measured)
			inBand := measured >= p.DecodeTPSLow && measured <= p.DecodeTPSHigh
			if inBand {
				in++
			}
			errs = append(errs, math.Abs(e))
			t.Logf("%-4s %-13s %-9s projected %6.2f tok/s (%.2f–%.2f), measured %6.2f: %+6.1f %% inside %v", s.Sitting, b.ID, b.Quant, p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh, measured, e, inBand)
		}
	}
	if len(errs) == 0 {
		t.Fatal("no benches in the record")
	}
	median, inside = units.Median(errs), float64(in)/float64(len(errs))
	t.Logf("%s: %d projections, median error %.1f %%, %d inside their bands", rec.Machine, len(errs), median, in)
	return median, inside, len(errs)
}

// TestSittingsLeaveOneOut validates each kept sitting's calibration again with this code, as
// `project --validate` does, and holds the median of their leave-one-out medians to what the
// model achieves on them, with a little room. When kept: 7.3 % on the first instance (every
// goal of issue 22 met by 1 of its 14), 5.1 % on the second's first 4 (met by 1). With the
// weights' ceiling on one thread, which moves only the one-thread calibrations (A4 9.2 → 5.0 %,
// Q1 13.2 → 9.7, S5 7.1 → 4.3, S28 4.1 → 5.1; N3 stays at 4.3 but its band widens from ±12.0
// to ±13.7), 6.3 % on the first and 5.5 % on the second's 9 (met by 2). No variant of the
// model's terms or of how a twin's repeats are combined went below 6.8 % on the first record
// before that (docs/accuracy.md, 2026-12-07). Neither did a factor per pass divided out of the
// repeats (8.4 % on the first, 5.4 % on the second's first 4), nor the K-quant rows counted 1.5
// times that the first record had suggested (5.2 % on the second's first 4, never tuned on,
// against 5.1). The third instance's four, validated by this code when they were taken: 6.4 %.
func TestSittingsLeaveOneOut(t *testing.T) {
	for _, c := range []struct {
		path  string
		limit float64 // percent
	}{{sittingsFirst, 7}, {sittingsSecond, 6}, {sittingsThird, 7}} {
		t.Run(c.path, func(t *testing.T) {
			var loo []float64
			met := 0
			for _, s := range loadSittings(t, c.path).Sittings {
				v := Validate(s.Calibration.Machine, s.Calibration, catalog.All())
				loo = append(loo, v.MedianAbsErrorPct)
				if v.MedianAbsErrorPct <= 5 && v.MedianBandPct <= 12 && v.BandCoverage >= 0.8 {
					met++
				}
				t.Logf("%-4s %2d runs: leave-one-out %.1f %%, band ±%.1f %%, %.0f %% inside", s.Sitting, len(v.Models), v.MedianAbsErrorPct, v.MedianBandPct, 100*v.BandCoverage)
			}
			med := units.Median(loo)
			t.Logf("median leave-one-out %.1f %%; every goal of issue 22 met by %d of %d", med, met, len(loo))
			if med > c.limit {
				t.Errorf("median leave-one-out %.1f %% over the kept calibrations (limit %.1f)", med, c.limit)
			}
		})
	}
}

// A projection says how many threads its kernel model's runs used, since it holds for that
// many: the kept sittings' calibrations ran on 2, and a calibration mixing thread counts names
// none.
func TestKernelBasisNamesThreads(t *testing.T) {
	cal := loadSittings(t, sittingsFirst).Sittings[0].Calibration
	m, _ := catalog.ByID("qwen3-4b")
	basis := func(c Calibration) string {
		ps, perr := ProjectWith(c.Machine, c, []catalog.Model{m}, []quant.Quant{quant.Q4_K_M}, Options{Context: 2048})
		if len(perr) > 0 || len(ps) != 1 {
			t.Fatalf("projection: %v", perr)
		}
		return ps[0].Basis
	}
	if b := basis(cal); !strings.Contains(b, "run(s) on cpu at 2 threads:") {
		t.Errorf("basis %q does not say the runs were on 2 threads", b)
	}
	mixed := cal
	mixed.Measurements = append([]Measurement(nil), cal.Measurements...)
	mixed.Measurements[0].Threads = 1
	if b := basis(mixed); !strings.Contains(b, "run(s) on cpu:") {
		t.Errorf("basis %q names a thread count for runs on 1 and 2 threads", b)
	}
}
