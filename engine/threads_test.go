package engine

import (
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
