package engine

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"slmscope/internal/interference"
)

func TestThreadsFor(t *testing.T) {
	tests := []struct {
		name    string
		r       interference.Report
		cores   int
		want    int
		mention string
	}{
		{"quiet", interference.Report{Measured: true, OtherCPUCores: 0.05}, 2, 2, "every core"},
		{"a little busy", interference.Report{Measured: true, OtherCPUCores: 0.2}, 2, 2, "0.20 of 2 cores"},
		{"half a core taken", interference.Report{Measured: true, OtherCPUCores: 0.5}, 2, 1, "1 of 2 cores"},
		{"one core taken", interference.Report{Measured: true, OtherCPUCores: 1.0}, 2, 1, "1.00 cores"},
		{"both taken", interference.Report{Measured: true, OtherCPUCores: 2.0}, 2, 1, "1 of 2 cores"},
		{"8 cores, 2.5 taken", interference.Report{Measured: true, OtherCPUCores: 2.5}, 8, 5, "5 of 8"},
		{"not measured", interference.NotMeasured("not measured on this OS"), 4, 4, "not measured on this OS"},
	}
	for _, tc := range tests {
		n, why := threadsFor(tc.r, tc.cores)
		if n != tc.want || !strings.Contains(why, tc.mention) {
			t.Errorf("%s: %d (%q), want %d mentioning %q", tc.name, n, why, tc.want, tc.mention)
		}
	}
}

// looks is a Source that reports one figure per look, in turn (the last one again after).
func looks(cores ...float64) (interference.Source, *int) {
	n := 0
	return func(threads int, _ ...int) interference.Sampling {
		r := interference.Report{Measured: true, Cores: 2, OtherCPUCores: cores[min(n, len(cores)-1)]}
		n++
		return interference.Fixed(r)(threads)
	}, &n
}

// ChooseThreads looks again when it sees other programs busy, and goes by the quietest look: a
// burst gives back every core, a program that stays busy keeps its core.
func TestChooseThreadsLooksAgainAtABurst(t *testing.T) {
	if runtime.NumCPU() != 2 {
		t.Skipf("the figures are for 2 cores; this machine has %d", runtime.NumCPU())
	}
	tests := []struct {
		name      string
		seen      []float64
		want      int
		wantLooks int
		mention   string
	}{
		{"quiet at once", []float64{0.02}, 2, 1, "every core"},
		{"a burst, then quiet", []float64{0.34, 0.03}, 2, 2, "quietest of 2 looks"},
		{"a program that stays busy", []float64{1.0, 0.98, 1.01}, 1, 3, "quietest of 3 looks"},
	}
	for _, tc := range tests {
		src, n := looks(tc.seen...)
		got, why := ChooseThreads(context.Background(), src)
		if got != tc.want || *n != tc.wantLooks || !strings.Contains(why, tc.mention) {
			t.Errorf("%s: %d threads after %d looks (%q), want %d after %d mentioning %q", tc.name, got, *n, why, tc.want, tc.wantLooks, tc.mention)
		}
	}
}
