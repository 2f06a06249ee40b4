package estimate

import (
	"math"
	"sort"

	"slmscope/internal/units"
)

// Kernels of one family tied together, as closely as the family's kernels agree. A kernel
// that few runs measured, or that only mixtures measured beside kernels it cannot be told
// apart from, is pinned down by the data only loosely and drifts with the noise of those
// runs: left out of the recorded ladder, Llama-3.2-1B Q6_K leaves Q6_K to mixtures where it
// holds a fifth to a third of the weights, and its projection came out 15–25 % off although
// Q3_K, Q5_K and Q6_K all take 22–26 ms per 10⁹ weights on that machine.
//
// The model (a random effect per kernel): the log of a kernel's time per weight is its
// family's log time per weight at its bits per weight (bits^β, β as in bitsScale) plus a
// deviation of spread τ. Nothing about τ is assumed; it is estimated from the untied fit
// (empirical Bayes): the kernels' log times per weight z, with the covariance S of their
// errors from the fit's posterior, and τ² the Paule–Mandel solution of
// (z − z̄)ᵀ (S + τ²I)⁻¹ (z − z̄) = m − 1 (m kernels): the between-kernel variance left once the
// estimates' own noise is accounted for. Kernels the runs pin down set τ; one they hardly
// measure has a large error and counts for little. The runs' noise behind S is read off the
// residuals (fitSpread), not assumed. The tie enters the fit as the Gaussian prior of that
// model with the family's level unknown, whose precision (I − 11ᵀ/m)/τ² is the sum over pairs
// a, b of a pseudo-measurement z_a − z_b = 0 of weight 1/(m τ²). A kernel measured by several
// runs keeps its own time (their weight swamps the tie's); one measured by a single run or
// only inside mixtures is drawn to its family. On a machine whose kernels of a family differ
// several-fold τ comes out large and the tie all but vanishes by itself. τ is at least the
// noise of one run (relativeNoise scaled as the residuals say): two or three kernels that
// happen to agree give τ = 0, and a tie tighter than one run can resolve would overrule the
// runs that measure the kernel.

// tieRow is a pseudo-measurement of target 0 in the feature layout of KernelModel.features.
type tieRow struct {
	x []float64
	w float64
}

// familyTies returns the decode kernels' family ties (see above) for a model fitted without
// them whose runs pin its kernels as sp says.
func (k KernelModel) familyTies(sp fitSpread) []tieRow {
	if sp.cov == nil {
		return nil
	}
	cols := k.columns()
	byFam := map[string][]int{}
	for i, c := range cols {
		if k.EffectiveCost(c) > 0 {
			byFam[KernelFamily(c)] = append(byFam[KernelFamily(c)], i)
		}
	}
	fams := make([]string, 0, len(byFam))
	for f := range byFam {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	var rows []tieRow
	for _, f := range fams {
		idx := byFam[f]
		if len(idx) < 2 {
			continue
		}
		beta := k.familyExponent(f)
		z, s := make([]float64, len(idx)), make([][]float64, len(idx))
		for j, a := range idx {
			ea := k.EffectiveCost(cols[a])
			z[j] = math.Log(ea) - beta*math.Log(kernelType(cols[a]).BitsPerWeight())
			s[j] = make([]float64, len(idx))
			for l, b := range idx {
				s[j][l] = sp.cov[a][b] / (ea * k.EffectiveCost(cols[b]))
			}
		}
		tau2, level, ok := pauleMandel(z, s)
		if !ok {
			continue
		}
		if tau2 = math.Max(tau2, sp.noise*sq(relativeNoise)); tau2 <= 0 {
			continue // runs without noise: nothing to tie
		}
		m := float64(len(idx))
		// ref is the family's time per weight at the kernel's bits: z_a − z_b ≈
		// EffectiveCost(a)/ref(a) − EffectiveCost(b)/ref(b) near the fit
		ref := func(i int) float64 {
			return math.Exp(level + beta*math.Log(kernelType(cols[i]).BitsPerWeight()))
		}
		for ja, a := range idx {
			for _, b := range idx[ja+1:] {
				ra, rb := ref(a), ref(b)
				x := make([]float64, decodeKernelOffset+len(cols))
				// EffectiveCost is Cost + bits/8 · SecPerGB
				x[2] = kernelType(cols[a]).BitsPerWeight()/8/ra - kernelType(cols[b]).BitsPerWeight()/8/rb
				x[decodeKernelOffset+a], x[decodeKernelOffset+b] = 1/ra, -1/rb
				// the tie's weight in the units of the runs' weights, which assume relativeNoise
				rows = append(rows, tieRow{x: x, w: sp.noise / (m * tau2)})
			}
		}
	}
	return rows
}

// decodeKernelOffset is where the kernels start in a decode feature row (fixed, per block,
// bytes, vocabulary, rows, attention; KernelModel.features).
const decodeKernelOffset = 6

// fitSpread is how well a decode fit's runs pin its kernels: the posterior covariance of their
// effective costs (in KernelModel.columns order), and noise, the runs' variance as a multiple
// of the one their weights assume (relativeNoise²).
type fitSpread struct {
	cov   [][]float64
	noise float64
}

// spread is the fitSpread of decode fit th with rows x, weights w and prior weights lambda,
// y the runs' measurements (the rows after them, if any, are ties). The runs are weighted as if
// each had relativeNoise; how noisy they are shows in their residuals when the fit has a
// degree of freedom to spare: the scale from the median absolute weighted residual (÷ 0.6745,
// a normal's), so that one odd run does not make the rest look noisy, corrected for the
// parameters fitted (× n ÷ (n − parameters)).
func (k KernelModel) spread(x [][]float64, y, w, lambda, th []float64) fitSpread {
	cov, params, err := posteriorCovariance(x, w, lambda)
	if err != nil {
		return fitSpread{}
	}
	sp := fitSpread{noise: 1}
	res := make([]float64, len(y))
	for i := range y {
		res[i] = math.Sqrt(w[i]) * math.Abs(y[i]-dot(x[i], th))
	}
	if n := float64(len(y)); n-params >= 1 {
		sp.noise = sq(units.Median(res)/0.6745) * n / (n - params)
	}
	// EffectiveCost is Cost + bits/8 · SecPerGB
	cols := k.columns()
	for i, a := range cols {
		ia, ba := decodeKernelOffset+i, kernelType(a).BitsPerWeight()/8
		row := make([]float64, len(cols))
		for j, b := range cols {
			ib, bb := decodeKernelOffset+j, kernelType(b).BitsPerWeight()/8
			row[j] = sp.noise * (cov[ia][ib] + bb*cov[ia][2] + ba*cov[2][ib] + ba*bb*cov[2][2])
		}
		sp.cov = append(sp.cov, row)
	}
	return sp
}

// familyExponent is the β with which family f's time per weight grows with bits (bitsScale):
// its own, the pooled one for a plain quantized family without one, else 1.
func (k KernelModel) familyExponent(f string) float64 {
	if b, ok := k.BitsExponent[f]; ok {
		return b
	}
	if b, ok := k.BitsExponent[pooledQuantized]; ok && plainQuantized(f) {
		return b
	}
	return 1
}

// pauleMandel estimates the between-estimate variance τ² of estimates z whose own errors have
// covariance s: the τ² ≥ 0 at which Q(τ²) = (z − z̄)ᵀ (s + τ²I)⁻¹ (z − z̄) = len(z) − 1, z̄ being
// the generalised least-squares mean under s + τ²I (τ² = 0 when the estimates agree within
// their errors). Errors that move two estimates in opposite directions (two kernels met only
// together in mixtures) count for that difference, not for a spread between the kernels. It
// also returns that mean; false when a system is singular.
func pauleMandel(z []float64, s [][]float64) (tau2, mean float64, ok bool) {
	q := func(t2 float64) (float64, float64, bool) { return pmStatistic(z, s, t2) }
	want := float64(len(z) - 1)
	if q0, m0, ok := q(0); ok && q0 <= want || len(z) < 2 {
		return 0, m0, ok
	}
	// Q falls as τ² grows (from infinity when s is singular); the root lies below a few
	// times the spread of z itself
	var hi, m0 float64
	for _, v := range z {
		m0 += v / float64(len(z))
	}
	for _, v := range z {
		hi += sq(v - m0)
	}
	if hi == 0 {
		return 0, m0, true
	}
	hi = bisectFalling(q, want, hi)
	_, m, _ := q(hi)
	return hi, m, true
}

// bisectFalling brackets the root of the falling statistic q(τ²) = want from above by
// doubling hi, then narrows it by 60 halvings; it returns the upper end, where q ≤ want.
func bisectFalling(q func(float64) (float64, float64, bool), want, hi float64) float64 {
	var lo float64
	for qh, _, _ := q(hi); qh > want; qh, _, _ = q(hi) {
		hi *= 2
	}
	for it := 0; it < 60; it++ {
		mid := (lo + hi) / 2
		if qm, _, _ := q(mid); qm > want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// pmStatistic is the Paule–Mandel Q(τ²) of estimates z with error covariance s, with the
// generalised least-squares mean it is taken about; false when s + τ²I is singular.
func pmStatistic(z []float64, s [][]float64, t2 float64) (qs, m float64, ok bool) {
	// (s + τ²I)⁻¹ applied to 1 and to z
	ones := make([]float64, len(z))
	for i := range ones {
		ones[i] = 1
	}
	v1, err := solve(shiftedSystem(s, t2, ones))
	if err != nil {
		return 0, 0, false
	}
	m = dot(v1, z) / sumOf(v1)
	centred := make([]float64, len(z))
	for i := range z {
		centred[i] = z[i] - m
	}
	vr, err := solve(shiftedSystem(s, t2, centred))
	if err != nil {
		return 0, 0, false
	}
	for i := range z {
		qs += (z[i] - m) * vr[i]
	}
	return qs, m, true
}

// shiftedSystem is the augmented matrix [s + τ²I | rhs] for solve, over the first len(rhs)
// rows and columns of s; built fresh each time because solve works in place.
func shiftedSystem(s [][]float64, t2 float64, rhs []float64) [][]float64 {
	n := len(rhs)
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n+1)
		copy(a[i], s[i])
		a[i][i] += t2
		a[i][n] = rhs[i]
	}
	return a
}

// sumOf is the sum of xs.
func sumOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
