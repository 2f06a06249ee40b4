package estimate

import (
	"fmt"
	"sort"

	"slmscope/internal/units"
)

// The speed models are fitted on each run's median token (Measurement.DecodeTPS; over repeats,
// the mean without the slowest): a few tokens that waited for another process would otherwise
// become a kernel's cost. But what a person
// sees measured (Live run, bench, a measured row of Compare) is the mean over the run, which
// those waits slow: 1.5 % on average over 67 calibration runs here, more on a busy machine.
// A projection of the median compared with a measured mean errs fast every time, so the
// projection is turned into a mean by this machine's own ratio.

// meanPerMedian is the median over device's runs of mean speed ÷ median-token speed, and the
// number of runs it came from (0: none recorded a median token, ratio 1).
func meanPerMedian(ms []Measurement, device string) (ratio float64, n int) {
	var rs []float64
	for _, m := range ms {
		if m.TokenMsP50 > 0 && m.GenTPS > 0 && (m.Device == device || device == "cpu" && m.OnCPU()) {
			rs = append(rs, m.GenTPS/m.DecodeTPS())
		}
	}
	if len(rs) == 0 {
		return 1, 0
	}
	sort.Float64s(rs)
	mid := len(rs) / 2
	if len(rs)%2 == 0 {
		return (rs[mid-1] + rs[mid]) / 2, len(rs)
	}
	return rs[mid], len(rs)
}

// toMean turns a projection of median-token speed on device into one of the mean speed a run
// shows, and says so for its basis ("" when no run recorded a median token).
func toMean(p *Projection, ms []Measurement, device string) string {
	r, n := meanPerMedian(ms, device)
	if n == 0 || r <= 0 {
		return ""
	}
	p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh = p.DecodeTPS*r, p.DecodeTPSLow*r, p.DecodeTPSHigh*r
	return fmt.Sprintf("a run's mean speed, as Live run and bench show it: the median token's × %s (the median ratio of %d calibration run(s) here)",
		units.Sig(r, 3), n)
}
