package engine

import "fmt"

// UnevenShare is the mean token rate, as a share of the median token's rate, below which a
// run is called uneven. On the 2-core test VM (docs/accuracy.md, 2026-12-05) quiet runs had
// 0.80–1.02 (calibrations' medians 0.89–0.93), while gpt-oss-20b in a state of that VM that
// neither the CPU counters, steal, memory pressure nor major faults showed ran 0.63–0.76:
// its median token at 12 tok/s, its 95th-percentile token 2.6–3.6× slower.
const UnevenShare = 0.8

// Steadiness is how evenly a run's tokens came: the mean rate over the median token's rate.
// Other programs' CPU time (interference) explains most slow runs; a run that is uneven
// without it had a tail of slow tokens from something slmscope does not see.
type Steadiness struct {
	// MeanToMedian is the run's mean token rate over its median token's rate (0 when the
	// run has no token times).
	MeanToMedian float64 `json:"mean_to_median"`
	// MedianTPS is the median token's rate, tokens per second.
	MedianTPS float64 `json:"median_tps"`
	// TailToMedian is the 95th-percentile token's time over the median token's.
	TailToMedian float64 `json:"tail_to_median"`
	Uneven       bool    `json:"uneven"`
}

// minSteadyTokens is the fewest generated tokens whose times can call a run uneven: in a short
// answer one slow token moves the mean by several percent.
const minSteadyTokens = 32

// SteadinessOf is the steadiness of a run of tokens generated tokens with mean rate genTPS and
// per-token times p50ms and p95ms.
func SteadinessOf(tokens int, genTPS, p50ms, p95ms float64) Steadiness {
	if genTPS <= 0 || p50ms <= 0 {
		return Steadiness{}
	}
	s := Steadiness{MeanToMedian: genTPS * p50ms / 1000, MedianTPS: 1000 / p50ms, TailToMedian: p95ms / p50ms}
	s.Uneven = tokens >= minSteadyTokens && s.MeanToMedian < UnevenShare
	return s
}

// Figure is the steadiness for a table cell: "mean 0.63 of the median token's rate (uneven)".
func (s Steadiness) Figure() string {
	if s.MeanToMedian <= 0 {
		return "no token times"
	}
	f := fmt.Sprintf("mean %.2f of the median token's rate, p95 token %.1f× the median", s.MeanToMedian, s.TailToMedian)
	if s.Uneven {
		f += " (uneven)"
	}
	return f
}

// Sentence says, for an uneven run that other programs did not disturb, what happened and
// what to do; "" for an even one. A disturbed run's interference sentence says it instead.
func (s Steadiness) Sentence() string {
	if !s.Uneven {
		return ""
	}
	return fmt.Sprintf("Uneven run: its mean speed was %.2f of its median token's rate (%.1f tok/s), "+
		"because its slowest tokens took %.1f× the median token, and other programs' CPU time does "+
		"not explain it: something slmscope does not see slowed them (the memory, a virtual "+
		"machine's host). Measure again, and compare median tokens.", s.MeanToMedian, s.MedianTPS, s.TailToMedian)
}

// SteadinessHow says how steadiness is measured, for the label beside its figure.
func SteadinessHow() string {
	return fmt.Sprintf("measured: mean token rate over the median token's; uneven below %.1f (about 0.9 on a quiet machine)", UnevenShare)
}

// unevenest is the least even of rs's runs' steadiness, and how many were uneven.
func unevenest(rs []BenchRun) (Steadiness, int) {
	var worst Steadiness
	n := 0
	for i, r := range rs {
		s := r.Steadiness
		if s.Uneven {
			n++
		}
		if i == 0 || s.MeanToMedian > 0 && (worst.MeanToMedian <= 0 || s.MeanToMedian < worst.MeanToMedian) {
			worst = s
		}
	}
	return worst, n
}
