package estimate

import (
	"math"
	"sort"
)

// Bands from leave-one-out: every calibration run projected from a fit on the others; the
// errors set an 80 % band per kernel family (setBands), and validation checks it on runs
// whose band also came only from the others (honestLOO).

// looCheck is one run projected by the kernel model fitted on the others.
type looCheck struct {
	p         kernelPoint
	projected float64 // seconds per token
	band      float64
	family    string
	uncal     []string
}

// errPct is the tokens/s error (projected − measured) / measured in percent.
func (c looCheck) errPct() float64 { return 100 * relErr(1/c.projected, 1/c.p.y) }

// leaveOneOut projects every point from a fit on the others.
func leaveOneOut(device, kind string, pts []kernelPoint, prior kernelPrior, all KernelModel) []looCheck {
	var out []looCheck
	for i, p := range pts {
		others := append(append([]kernelPoint(nil), pts[:i]...), pts[i+1:]...)
		k, ok := fitKernels(device, kind, others, prior)
		if !ok {
			k = all
		} else {
			k.FamilyBand, k.Band, k.BandScale = all.FamilyBand, all.Band, all.BandScale
			k.PerDoubling, k.ExtrapChecks, k.Drift = all.PerDoubling, all.ExtrapChecks, all.Drift
		}
		sec, band, uncal := k.Seconds(p.prof, p.n)
		out = append(out, looCheck{p: p, projected: sec, band: band, family: dominantFamily(p.prof), uncal: uncal})
	}
	return out
}

// dominantFamily is the kernel family holding most of a profile's weights.
func dominantFamily(p Profile) string {
	w := map[string]float64{}
	for k, l := range p.Kernels {
		w[KernelFamily(k)] += l.Weights
	}
	best, bw := "", -1.0
	for f, v := range w {
		if v > bw || v == bw && f < best {
			best, bw = f, v
		}
	}
	return best
}

// setBands derives the per-family and overall bands from leave-one-out errors. The overall
// band is the root mean square of all relative errors (at least 5 %; 10 % from two runs, 25 %
// from one). A family's band is its own root mean square shrunk towards the overall one as if
// the overall had familyPrior runs of weight: one or two runs of a family say little about
// its spread. A family with no run gets the overall band plus 5 %. Then BandScale widens
// every band until bandCoverage of the runs fall inside theirs.
func (k *KernelModel) setBands(checks []looCheck) {
	k.FamilyBand = map[string]float64{}
	byFam := map[string][]float64{}
	var all []float64
	for _, c := range checks {
		if len(c.uncal) > 0 {
			// Left out, this run had a kernel no other run measured: its error is the nearest-
			// kernel guess's, which uncalibratedWiden covers, not the family's.
			continue
		}
		e := c.errPct() / 100
		byFam[c.family] = append(byFam[c.family], e)
		all = append(all, e)
	}
	k.Band = floorBand(rms(all), len(all))
	for f, es := range byFam {
		n := float64(len(es))
		shrunk := math.Sqrt((n*sq(rms(es)) + familyPrior*sq(k.Band)) / (n + familyPrior))
		k.FamilyBand[f] = math.Max(shrunk, bandFloor)
	}
	k.BandScale = 1
	var scores []float64
	for _, c := range checks {
		if _, band, _ := k.Seconds(c.p.prof, c.p.n); band > 0 {
			scores = append(scores, math.Abs(c.errPct()/100)/band)
		}
	}
	k.BandScale = math.Max(1, conformalQuantile(scores, bandCoverage))
}

// familyPrior is how many runs the overall band counts for in a family's band.
const familyPrior = 3

// bandCoverage is the share of projections a band is meant to hold: an 80 % band.
const bandCoverage = 0.8

// conformalQuantile is the split-conformal quantile of scores for coverage c: the
// ⌈(n+1)·c⌉-th smallest score (the largest when that is past the end), 0 for none. A new
// run's score falls at or below it with probability at least c when runs are exchangeable.
func conformalQuantile(scores []float64, c float64) float64 {
	if len(scores) == 0 {
		return 0
	}
	s := append([]float64(nil), scores...)
	sort.Float64s(s)
	i := int(math.Ceil(float64(len(s)+1)*c)) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func floorBand(b float64, n int) float64 {
	switch {
	case n <= 1:
		return math.Max(b, bandOnePoint)
	case n == 2:
		return math.Max(b, bandTwoPoints)
	}
	return math.Max(b, bandFloor)
}

// honestLOO projects every point from a fit on the others whose band also comes only from
// the others (their own leave-one-out), so "inside the band" is a fair test of the band.
func honestLOO(device, kind string, pts []kernelPoint, prior kernelPrior) []looCheck {
	var out []looCheck
	for i, p := range pts {
		others := append(append([]kernelPoint(nil), pts[:i]...), pts[i+1:]...)
		k, ok := fitKernels(device, kind, others, prior)
		if !ok {
			continue
		}
		k.setBands(leaveOneOut(device, kind, others, prior, k))
		sec, band, uncal := k.Seconds(p.prof, p.n)
		out = append(out, looCheck{p: p, projected: sec, band: band, family: dominantFamily(p.prof), uncal: uncal})
	}
	return out
}
