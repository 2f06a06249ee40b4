package estimate

import "math"

// Solving the kernel model: the least-squares rows, the prior on every term and the physical
// bounds a solution must respect.

// solve fits k's terms (its Cost keys are the kernels to calibrate) on pts with prior and the
// pseudo-measurements ties. It returns (decode only) how well the runs pin each kernel's
// effective cost; false when the solver fails.
func (k *KernelModel) solve(pts []kernelPoint, prior kernelPrior, ties []tieRow) (fitSpread, bool) {
	cols := k.columns()
	x, y, w := k.solveRows(pts, ties, cols)
	mu, lambda := k.priorTerms(prior, cols)
	if k.Kind == "decode" {
		if k.AttnMeasured = attentionMeasured(pts); !k.AttnMeasured {
			lambda[5] = pinned // at its prior of 0, as before the term existed
		}
	}
	th, ok := k.boundedFit(x, y, w, mu, lambda, prior, cols)
	if !ok {
		return fitSpread{}, false
	}
	k.setTerms(th, cols)
	if k.Kind != "decode" {
		return fitSpread{}, true
	}
	return k.spread(x, y[:len(pts)], w, lambda, th), true
}

// solveRows are the least-squares rows: one per run, weighted by its relative noise, then one
// per tie.
func (k *KernelModel) solveRows(pts []kernelPoint, ties []tieRow, cols []string) (x [][]float64, y, w []float64) {
	x = make([][]float64, len(pts), len(pts)+len(ties))
	y = make([]float64, len(pts), len(pts)+len(ties))
	w = make([]float64, len(pts), len(pts)+len(ties))
	for i, p := range pts {
		x[i] = k.features(p.prof, p.n, cols)
		y[i] = p.y
		w[i] = 1 / (p.y * p.y * relativeNoise * relativeNoise)
	}
	for _, t := range ties {
		x, y, w = append(x, t.x), append(y, 0), append(w, t.w)
	}
	return x, y, w
}

// priorTerms are the prior means and precisions of k's terms: the fixed terms, then one per
// kernel column.
func (k *KernelModel) priorTerms(prior kernelPrior, cols []string) (mu, lambda []float64) {
	if k.Kind == "decode" {
		mu = []float64{0, 0, prior.secPerGB, 0, 0, 0}
		lambda = []float64{1 / sq(overheadPriorSd), 1 / sq(perLayerPriorSd*100), 1 / sq(decodePriorRel*prior.secPerGB), 1 / sq(perMVocabPriorSd), 1 / sq(perMRowPriorSd), 1 / sq(attnPriorSd)}
		for _, c := range cols {
			// compute may cost up to about twice the streaming time of the kernel's bytes
			sd := 2 * kernelType(c).BitsPerWeight() / 8 * prior.secPerGB
			mu, lambda = append(mu, 0), append(lambda, 1/sq(sd))
		}
		return mu, lambda
	}
	mu = []float64{0, prior.secPerGB}
	lambda = []float64{1 / sq(promptPriorSd), 1 / sq(promptPriorRel*prior.secPerGB)}
	for range cols {
		// 2 FLOPs per weight per token at the prior FLOP/s, which is only a guess:
		// the spread lets one run move a kernel's cost several-fold
		c := 2 * prior.secPerGB
		mu, lambda = append(mu, c), append(lambda, 1/sq(promptKernelPriorRel*c))
	}
	return mu, lambda
}

// kernelOffset is the index of the first kernel column among k's terms.
func (k *KernelModel) kernelOffset() int {
	if k.Kind == "decode" {
		return decodeKernelOffset
	}
	return 2
}

// boundedFit solves the rows within physical bounds: no negative fixed or per-block cost, and
// no kernel faster than half its bytes' streaming time at the prior bandwidth (decode) or
// than free (prompt). A violating term is pinned at its bound (in mu and lambda) and the rest
// refitted, up to four passes; false when the solver fails.
func (k *KernelModel) boundedFit(x [][]float64, y, w, mu, lambda []float64, prior kernelPrior, cols []string) ([]float64, bool) {
	var th []float64
	for pass := 0; pass < 4; pass++ {
		var err error
		if th, err = linearFit(x, y, w, mu, lambda); err != nil {
			return nil, false
		}
		if !k.pinViolations(th, mu, lambda, prior, cols) {
			break
		}
	}
	return th, true
}

// pinViolations pins every term of th below its bound there, in mu and lambda, and reports
// whether any was.
func (k *KernelModel) pinViolations(th, mu, lambda []float64, prior kernelPrior, cols []string) bool {
	decode := k.Kind == "decode"
	violated := false
	pin := func(j int, bound float64) {
		if th[j] < bound {
			mu[j], lambda[j], violated = bound, pinned, true
		}
	}
	pin(0, 0)
	if decode {
		pin(1, 0) // per block
		pin(3, 0) // per vocabulary entry
		pin(4, 0) // per row
		pin(5, 0) // per attention FLOP
	}
	off := k.kernelOffset()
	for i, c := range cols {
		bound := 0.0
		if decode {
			// at the prior's bandwidth: a bound that moved with the fitted one could chase
			// it, each pass pinning the kernels lower and the bandwidth term higher
			bound = -0.5 * kernelType(c).BitsPerWeight() / 8 * prior.secPerGB
		}
		pin(off+i, bound)
	}
	return violated
}

// setTerms sets k's fixed terms and kernel costs from the solution th.
func (k *KernelModel) setTerms(th []float64, cols []string) {
	// terms pinned at their bound of 0 come out of the solver a rounding error below it
	k.FixedSec = math.Max(th[0], 0)
	if k.Kind == "decode" {
		k.PerLayerSec, k.SecPerGB, k.PerMVocabSec, k.PerMRowSec = math.Max(th[1]/100, 0), th[2], math.Max(th[3], 0), math.Max(th[4], 0)
		k.SecPerAttnGFLOP = 0
		if k.AttnMeasured {
			k.SecPerAttnGFLOP = math.Max(th[5], 0)
		}
	} else {
		k.SecPerGB = th[1]
	}
	off := k.kernelOffset()
	for i, c := range cols {
		k.Cost[c] = th[off+i]
	}
}

func sq(x float64) float64 { return x * x }

// promptKernelPriorRel is the prior relative spread of a kernel's prompt cost.
const promptKernelPriorRel = 5.0

// perMVocabPriorSd is the prior spread of the per-token cost of a million vocabulary entries
// (seconds): a few nanoseconds an entry.
const perMVocabPriorSd = 5e-3

// perMRowPriorSd is the prior spread of the per-token cost of a million matrix rows (seconds):
// tens of nanoseconds a dot product call.
const perMRowPriorSd = 5e-2

// attentionMeasured says whether pts pin the attention term: a run decoded past
// longPosition. Runs at a few hundred positions alone leave it to noise, which a projection
// at a longer position (or of a model with many more heads) would then multiply. One long run
// is enough: the ladder has two, so that each, left out, is projected from the other.
func attentionMeasured(pts []kernelPoint) bool {
	for _, p := range pts {
		if p.n >= longPosition {
			return true
		}
	}
	return false
}

// longPosition is the context position from which a run measures the attention term.
const longPosition = 512

// pinned is the prior precision that holds a term at its prior mean.
const pinned = 1e30

// attnPriorSd is the prior spread of the decode time per 10⁹ attention FLOPs (seconds): the
// prior mean is 0 and the spread wide, so that the long runs set it (2 threads here took
// 0.035–0.046 s); a tighter spread pulled a noise-free synthetic fit 7 % low.
const attnPriorSd = 0.3

// perLayerPriorSd is the prior spread of the per-block fixed cost per token (seconds).
const perLayerPriorSd = 2e-4
