package estimate

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"slmscope/internal/units"
)

// KernelModel is a speed model that knows kernels. For decode (Kind "decode"):
//
//	seconds per token = Fixed + PerLayer · layers + PerMVocab · vocabulary + PerMRow · rows
//	                    + (bytes read) · SecPerGB + (attention FLOPs at n) · SecPerAttnGFLOP
//	                    + Σ over kernels (weights of that kernel) · Cost[kernel]
//
// bytes read being every matrix, the embedding row, norms and the KV cache at the run's mean
// position, and rows the matrix rows multiplied. For prompt processing (Kind "prompt") it is
// seconds per prompt token:
//
//	Fixed + (attention FLOPs per token at the mean prompt position) · SecPerGB
//	      + Σ over kernels (weights less the output projection's) · Cost[kernel]
//
// with SecPerGB then per GFLOP of attention; a prompt takes logits for its last token only. Costs are seconds per 10⁹ weights. A kernel's
// bytes and weights are proportional, so only its effective time per weight (EffectiveCost)
// is pinned by measurements; the split between bandwidth and compute leans on the prior
// (the measured memory bandwidth). Kernels no calibration run exercised are projected with
// the nearest measured kernel (nearestKernel), its time per weight scaled by the ratio of bits
// per weight to the power BitsExponent (kernelscale.go), and flagged "uncalibrated type".
type KernelModel struct {
	Device   string  `json:"device"`
	Kind     string  `json:"kind"`
	FixedSec float64 `json:"fixed_s"`
	// PerLayerSec is the fixed cost of one block per token (decode only).
	PerLayerSec float64 `json:"per_layer_s"`
	// PerMVocabSec is the cost per token of a million vocabulary entries (decode only): the
	// logits are copied out of the graph and sampled over the whole vocabulary.
	PerMVocabSec float64 `json:"per_mvocab_s"`
	// PerMRowSec is the cost per token of a million matrix rows (decode only): each row is one
	// dot product call, whose fixed part weighs more on narrow matrices.
	PerMRowSec float64 `json:"per_mrow_s"`
	SecPerGB   float64 `json:"s_per_gb"`
	// SecPerAttnGFLOP is the decode time per 10⁹ FLOPs of attention (decode only): a token at
	// position n multiplies its query with n keys and sums n values in every head, work that
	// grows with the position while the weights read stay the same. On 2 cores here 1000
	// positions cost 2 to 10 times what streaming their KV cache takes (docs/accuracy.md).
	SecPerAttnGFLOP float64 `json:"s_per_attn_gflop"`
	// AttnMeasured says whether runs pinned SecPerAttnGFLOP (attentionMeasured); if not, it is
	// held at 0.
	AttnMeasured bool `json:"attention_measured,omitempty"`
	// Cost maps each calibrated kernel to its seconds per 10⁹ weights beyond streaming them.
	Cost map[string]float64 `json:"cost_s_per_gweight"`
	// Runs counts, per kernel, the runs in which it held at least minKernelShare of the weights.
	Runs   map[string]int `json:"runs"`
	Points int            `json:"points"`
	// FamilyBand is the relative half-width per kernel family, from leave-one-out errors;
	// Band the one over all runs.
	FamilyBand map[string]float64 `json:"family_band"`
	Band       float64            `json:"band"`
	// BandScale widens every band so that bandCoverage of the leave-one-out projections fall
	// inside theirs (a conformal factor, at least 1): errors on a shared machine have heavier
	// tails than their root mean square says.
	BandScale float64 `json:"band_scale"`
	// BitsExponent is, per kernel family, how its measured kernels' time per weight grows
	// with their bits per weight (0: the same per weight, compute-bound; 1: proportional,
	// bandwidth-bound); families absent use 1. See bitsScale.
	BitsExponent map[string]float64 `json:"bits_exponent,omitempty"`
	// MaxSizeGB, StreamGBs, WeightGps, PerDoubling, ExtrapChecks and Drift say how far the
	// fitted runs reach and what a projection beyond them carries (kernelextrap.go).
	MaxSizeGB    float64 `json:"max_size_gb,omitempty"`
	StreamGBs    float64 `json:"stream_gbs,omitempty"`
	WeightGps    float64 `json:"weight_gps,omitempty"` // 10⁹ weights a second; one thread only
	PerDoubling  float64 `json:"band_per_doubling,omitempty"`
	ExtrapChecks int     `json:"extrapolation_checks,omitempty"`
	Drift        float64 `json:"drift,omitempty"`
	// Threads is the thread count every fitted run used (0 when they differ or none said):
	// its projections are for that many threads.
	Threads int    `json:"threads,omitempty"`
	Basis   string `json:"basis"`
}

// minKernelRuns is the fewest runs a kernel model is fitted on: with fewer, its fixed,
// per-block and per-kernel terms are not pinned down and the bytes-only model is better.
const minKernelRuns = 4

// minKernelShare is the share of a run's weights a kernel needs for that run to calibrate it.
const minKernelShare = 0.30

// uncalibratedWiden is added to the band per unit of time share spent in uncalibrated kernels.
const uncalibratedWiden = 0.25

// kernelPoint is one measured run prepared for a kernel fit.
type kernelPoint struct {
	s    speedSample
	prof Profile
	n    int     // decode: mean KV position; prompt: prompt tokens
	y    float64 // measured seconds per token
}

// kernelPrior is the prior of a kernel fit: the decode bandwidth or prompt FLOP/s.
type kernelPrior struct {
	secPerGB float64 // decode: 1/effective GB/s; prompt: 1/GFLOP/s
	what     string
}

// EffectiveCost is a kernel's whole time per 10⁹ weights in decode: streaming its bytes plus
// its compute (for prompt models, Cost alone).
func (k KernelModel) EffectiveCost(kernel string) float64 {
	c := k.Cost[kernel]
	if k.Kind == "decode" {
		c += kernelType(kernel).BitsPerWeight() / 8 * k.SecPerGB
	}
	return c
}

// mapKernel is the calibrated kernel whose cost k uses: itself or the nearest measured one.
func (k KernelModel) mapKernel(kernel string) (string, bool) {
	if _, ok := k.Cost[kernel]; ok {
		return kernel, true
	}
	return nearestKernel(kernel, k.Kind, k.Cost), false
}

// features is a point's row: [1, layers/100 (decode only), GB read or attention GFLOP, then
// weights/10⁹ per calibrated kernel in cols order].
func (k KernelModel) features(p Profile, n int, cols []string) []float64 {
	var x []float64
	if k.Kind == "decode" {
		x = []float64{1, float64(p.Layers) / 100, p.ReadBytes(n) / gb, p.vocab / 1e6, p.rows / 1e6, p.attnFlops(n) / gb}
	} else {
		x = []float64{1, p.promptAttnFlops(n) / gb}
	}
	idx := map[string]int{}
	for i, c := range cols {
		idx[c] = i
		x = append(x, 0)
	}
	base := len(x) - len(cols)
	for kern, l := range p.Kernels {
		m, own := k.mapKernel(kern)
		if i, ok := idx[m]; ok {
			w := p.tokenWeights(kern, k.Kind) / gb
			if !own {
				// as if it were s times as many weights of the measured kernel: their bytes
				// stand in for its own
				s := k.bitsScale(kern, m)
				if k.Kind == "decode" {
					x[2] += s*w*kernelType(m).BitsPerWeight()/8 - l.Bytes/gb
				}
				w *= s
			}
			x[base+i] += w
		}
	}
	return x
}

// Seconds projects seconds per token for profile p (n: decode position or prompt length),
// with the relative band and the uncalibrated kernels as "Q3_K from Q4_K".
func (k KernelModel) Seconds(p Profile, n int) (sec, band float64, uncal []string) {
	sec, band, uncal = k.rawSeconds(p, n)
	sec, band = k.beyond(p, n, sec, band)
	return sec, band, uncal
}

// rawSeconds is Seconds inside the measured range: the fitted model and its leave-one-out band.
func (k KernelModel) rawSeconds(p Profile, n int) (sec, band float64, uncal []string) {
	cols := k.columns()
	th := k.theta(cols)
	sec = dot(k.features(p, n, cols), th)
	var total, uncalTime float64
	famTime := map[string]float64{}
	for _, kern := range p.KernelNames() {
		m, ok := k.mapKernel(kern)
		t := p.tokenWeights(kern, k.Kind) / gb * k.EffectiveCost(m)
		if !ok && m != "" {
			t *= k.bitsScale(kern, m)
		}
		total += t
		famTime[KernelFamily(m)] += t
		if !ok && m != "" {
			uncal = append(uncal, kern+" from "+m)
			uncalTime += t
		}
	}
	band = k.Band
	if total > 0 {
		band = 0
		for f, t := range famTime {
			b, ok := k.FamilyBand[f]
			if !ok {
				b = k.Band + bandFloor
			}
			band += b * t / total
		}
		band += uncalibratedWiden * uncalTime / total
	}
	if k.BandScale > 1 {
		band *= k.BandScale
	}
	return math.Max(sec, minSeconds), band, uncal
}

func (k KernelModel) columns() []string {
	cols := make([]string, 0, len(k.Cost))
	for c := range k.Cost {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

func (k KernelModel) theta(cols []string) []float64 {
	var th []float64
	if k.Kind == "decode" {
		th = []float64{k.FixedSec, k.PerLayerSec * 100, k.SecPerGB, k.PerMVocabSec, k.PerMRowSec, k.SecPerAttnGFLOP}
	} else {
		th = []float64{k.FixedSec, k.SecPerGB}
	}
	for _, c := range cols {
		th = append(th, k.Cost[c])
	}
	return th
}

// fitKernels fits a kernel model of kind on pts; ok is false when nothing could be fitted.
func fitKernels(device, kind string, pts []kernelPoint, prior kernelPrior) (KernelModel, bool) {
	k := KernelModel{Device: device, Kind: kind, Cost: map[string]float64{}, Runs: map[string]int{}, Points: len(pts), Threads: commonThreads(pts)}
	for _, p := range pts {
		w := p.prof.weightsMultiplied()
		for kern, l := range p.prof.Kernels {
			if w > 0 && l.Weights/w >= minKernelShare {
				k.Runs[kern]++
				k.Cost[kern] = 0
			}
		}
	}
	if len(pts) < minKernelRuns || len(k.Cost) == 0 {
		return k, false
	}
	sp, ok := k.solve(pts, prior, nil)
	if !ok {
		return k, false
	}
	if kind == "decode" {
		// how the family's measured kernels scale with bits, then the fit again with the
		// unmeasured kernels of the runs scaled that way, then once more with each family's
		// kernels tied together as closely as the family's well-measured kernels agree
		if k.BitsExponent = bitsExponents(k); len(k.BitsExponent) > 0 {
			if sp, ok = k.solve(pts, prior, nil); !ok {
				return k, false
			}
		}
		if ties := k.familyTies(sp); len(ties) > 0 {
			if _, ok = k.solve(pts, prior, ties); !ok {
				return k, false
			}
		}
	}
	k.setReach(pts)
	return k, true
}

// commonThreads is the thread count of every point, or 0 when they differ or one did not say.
func commonThreads(pts []kernelPoint) int {
	ss := make([]speedSample, len(pts))
	for i, p := range pts {
		ss[i] = p.s
	}
	return sampleThreads(ss)
}

// describe writes the model's basis sentence.
func (k *KernelModel) describe(prior kernelPrior) {
	var parts []string
	for _, c := range k.columns() {
		parts = append(parts, c+" "+units.Millis(1000*k.EffectiveCost(c))+" per 10⁹ weights")
	}
	if k.Kind == "decode" {
		attn := fmt.Sprintf(" + attention (not measured: no run decoded past %d positions)", longPosition)
		switch {
		case k.SecPerAttnGFLOP > 0:
			attn = " + attention at " + units.Sig(1/k.SecPerAttnGFLOP, 3) + " GFLOP/s"
		case k.AttnMeasured:
			attn = " + attention (measured, too small to see)"
		}
		k.Basis = fmt.Sprintf("kernel model fitted on %d run(s) on %s: %s + %s per block + %s per 100k vocabulary entries + %s per 100k matrix rows + bytes ÷ %s%s + per-kernel cost (%s); prior %s; 80 %% band ±%s from leave-one-out errors",
			k.Points, onDevice(k.Device, k.Threads), units.Millis(1000*k.FixedSec), units.Millis(1000*k.PerLayerSec), units.Millis(100*k.PerMVocabSec), units.Millis(100*k.PerMRowSec), units.GBps(1/math.Max(k.SecPerGB, minSeconds)),
			attn, strings.Join(parts, ", "), prior.what, units.Percent(k.Band*math.Max(k.BandScale, 1)))
		return
	}
	attn := "attention (too small to see in these runs)"
	if k.SecPerGB > minSeconds {
		attn = "attention at " + units.Sig(1/k.SecPerGB, 3) + " GFLOP/s"
	}
	k.Basis = fmt.Sprintf("prompt kernel model fitted on %d run(s) on %s: %s + %s + per-kernel cost (%s); prior %s; 80 %% band ±%s from leave-one-out errors",
		k.Points, onDevice(k.Device, k.Threads), units.Millis(1000*k.FixedSec), attn, strings.Join(parts, ", "), prior.what, units.Percent(k.Band*math.Max(k.BandScale, 1)))
}
