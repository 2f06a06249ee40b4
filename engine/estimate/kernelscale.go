package estimate

import "math"

// How an unmeasured kernel's time is taken from the measured kernel nearest to it. A kernel
// that streams its bytes as fast as memory allows takes time in proportion to its bits per
// weight; one held up by unpacking and arithmetic takes about the same time per weight
// whatever its bits. Which of the two a family of kernels is on this machine shows in its
// measured kernels: on a 2-thread x86 CPU the K-quant dot products (Q3_K, Q5_K, Q6_K) take
// 22–25 ms per 10⁹ weights at 3.4 to 6.6 bits, so projecting Q3_K from Q5_K by bits made it
// 40 % too fast. The exponent β of time per weight ∝ bits^β is fitted on the family's
// measured kernels and applied to its unmeasured ones. A quantized family that cannot tell
// (fewer than two measured kernels of different bits) borrows the exponent of all measured
// plain quantized kernels, legacy and K-quant together: both unpack blocks and take integer
// dot products with 8-bit activations, unlike float kernels (a conversion and a multiply)
// and repacked ones (another loop). Otherwise, and for a kernel projected from another
// family, time scales by bits (β = 1), which is right for bandwidth-bound kernels.

// minBitsSpread is the smallest ratio of bits per weight between a family's measured kernels
// that tells how its time scales with bits.
const minBitsSpread = 1.1

// pooledQuantized is bitsExponents' key for the exponent of all plain quantized kernels.
const pooledQuantized = "quantized"

// bitsExponents fits, per kernel family with at least two measured kernels of different bits
// per weight, the least-squares slope of log effective cost against log bits per weight,
// clamped to [0, 1]; under pooledQuantized the same over the legacy and K-quant kernels
// together. It returns nil when no group qualifies.
func bitsExponents(k KernelModel) map[string]float64 {
	type pt struct{ lx, ly float64 }
	byFam := map[string][]pt{}
	for _, c := range k.columns() {
		e := k.EffectiveCost(c)
		if e <= 0 {
			continue
		}
		f := KernelFamily(c)
		p := pt{math.Log(kernelType(c).BitsPerWeight()), math.Log(e)}
		byFam[f] = append(byFam[f], p)
		if plainQuantized(f) {
			byFam[pooledQuantized] = append(byFam[pooledQuantized], p)
		}
	}
	var out map[string]float64
	for f, ps := range byFam {
		lo, hi := math.Inf(1), math.Inf(-1)
		var mx, my float64
		for _, p := range ps {
			lo, hi = math.Min(lo, p.lx), math.Max(hi, p.lx)
			mx += p.lx / float64(len(ps))
			my += p.ly / float64(len(ps))
		}
		if hi-lo < math.Log(minBitsSpread) {
			continue
		}
		var sxy, sxx float64
		for _, p := range ps {
			sxy += (p.lx - mx) * (p.ly - my)
			sxx += (p.lx - mx) * (p.lx - mx)
		}
		if out == nil {
			out = map[string]float64{}
		}
		out[f] = math.Min(math.Max(sxy/sxx, 0), 1)
	}
	return out
}

// bitsScale is what an unmeasured kernel's time per weight is, as a multiple of the measured
// kernel m's it is projected from: (bits ÷ m's bits)^β with β its family's exponent (for a
// quantized family without one, the pooled exponent), or β = 1 (time per byte) when m is of
// another family or no exponent is known.
func (k KernelModel) bitsScale(kernel, m string) float64 {
	r := kernelType(kernel).BitsPerWeight() / kernelType(m).BitsPerWeight()
	if f := KernelFamily(kernel); KernelFamily(m) == f {
		return math.Pow(r, k.familyExponent(f))
	}
	return r
}

// plainQuantized says whether a kernel family is quantized and not repacked.
func plainQuantized(family string) bool { return family == "legacy" || family == "k-quant" }
