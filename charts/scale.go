package charts

import (
	"math"
)

// Tick is one labelled axis tick.
type Tick struct {
	Value float64
	Label string
}

// Range is a resolved axis: scale, bounds and ticks. Map turns a value into a fraction of
// the axis length (0 at Lo, 1 at Hi).
type Range struct {
	Scale  Scale
	Lo, Hi float64
	Ticks  []Tick
}

// Map returns v's position along the range: 0 at Lo, 1 at Hi, outside [0,1] beyond them.
// On a log range, values ≤ 0 map to -Inf.
func (r Range) Map(v float64) float64 {
	if r.Scale == Log {
		if v <= 0 {
			return math.Inf(-1)
		}
		return (math.Log(v) - math.Log(r.Lo)) / (math.Log(r.Hi) - math.Log(r.Lo))
	}
	return (v - r.Lo) / (r.Hi - r.Lo)
}

// Unmap is Map's inverse: the value at fraction f along the range.
func (r Range) Unmap(f float64) float64 {
	if r.Scale == Log {
		return math.Exp(math.Log(r.Lo) + f*(math.Log(r.Hi)-math.Log(r.Lo)))
	}
	return r.Lo + f*(r.Hi-r.Lo)
}

// Contains reports whether v lies within the range (inclusive, with rounding slack).
func (r Range) Contains(v float64) bool {
	f := r.Map(v)
	return f >= -1e-9 && f <= 1+1e-9
}

// NiceStep returns the smallest 1, 2 or 5 × 10^k that is ≥ rough (rough > 0).
func NiceStep(rough float64) float64 {
	if !(rough > 0) || math.IsInf(rough, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(rough)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * p; s >= rough*(1-1e-9) {
			return s
		}
	}
	return 10 * p
}

// LinearTicks returns a linear range covering [lo, hi], rounded out to a nice step (1-2-5 ×
// 10^k) so that it has at most maxTicks ticks. fixLo / fixHi keep that bound exactly.
// Bytes are ticked in whole decimal units (MB, GB), the app's one byte convention.
func LinearTicks(lo, hi float64, maxTicks int, u Unit, fixLo, fixHi bool) Range {
	if maxTicks < 2 {
		maxTicks = 2
	}
	lo, hi = spread(lo, hi, Linear)
	factor := 1.0
	if u == UnitBytes {
		for factor*1000 <= math.Max(math.Abs(lo), math.Abs(hi)) && factor < 1e15 {
			factor *= 1000
		}
	}
	slo, shi := lo/factor, hi/factor
	step := NiceStep((shi - slo) / float64(maxTicks-1))
	var nlo, nhi float64
	for {
		nlo, nhi = slo, shi
		if !fixLo {
			nlo = math.Floor(slo/step+1e-9) * step
		}
		if !fixHi {
			nhi = math.Ceil(shi/step-1e-9) * step
		}
		first := math.Ceil(nlo/step - 1e-9)
		last := math.Floor(nhi/step + 1e-9)
		if int(last-first)+1 <= maxTicks {
			break
		}
		step = NiceStep(step * 1.0001)
	}
	r := Range{Scale: Linear, Lo: nlo * factor, Hi: nhi * factor}
	n := digitsBetween(math.Max(math.Abs(nlo), math.Abs(nhi)), step)
	for k := math.Ceil(nlo/step - 1e-9); k <= math.Floor(nhi/step+1e-9); k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		// Round away binary noise (0.30000000000000004) before scaling back.
		v = roundTo(v, step) * factor
		r.Ticks = append(r.Ticks, Tick{Value: v, Label: FormatTick(v, u, n)})
	}
	return r
}

// LogTicks returns a log range covering [lo, hi] (both > 0) with at most maxTicks ticks.
// Decimal units tick at 1, 2 and 5 per decade, then every decade, then every few decades as
// the range widens; bytes tick at 1-2-5 decimal steps (…, 500 MB, 1 GB, 2 GB, …). A range
// narrower than that gets linear-nice ticks instead. fixLo / fixHi keep that bound exactly.
func LogTicks(lo, hi float64, maxTicks int, u Unit, fixLo, fixHi bool) Range {
	if maxTicks < 2 {
		maxTicks = 2
	}
	lo, hi = spread(lo, hi, Log)
	var vals []float64
	var nlo, nhi float64
	vals, nlo, nhi = decadeTicks(lo, hi, maxTicks, fixLo, fixHi)
	if len(vals) < 3 {
		// Less than a decade: ticks a linear axis would use read fine on a log axis too.
		if lr := LinearTicks(lo, hi, maxTicks, u, fixLo, fixHi); lr.Lo > 0 {
			lr.Scale = Log
			return lr
		}
	}
	r := Range{Scale: Log, Lo: nlo, Hi: nhi}
	for _, v := range vals {
		r.Ticks = append(r.Ticks, Tick{Value: v, Label: FormatTick(v, u, 3)})
	}
	return r
}

// decadeTicks picks 1-2-5 ticks, or every k-th decade, to fit maxTicks.
func decadeTicks(lo, hi float64, maxTicks int, fixLo, fixHi bool) (vals []float64, nlo, nhi float64) {
	e0 := int(math.Floor(math.Log10(lo) + 1e-9))
	e1 := int(math.Ceil(math.Log10(hi) - 1e-9))
	// Level 0: 1, 2, 5 per decade.
	var cand []float64
	for e := e0; e <= e1; e++ {
		p := math.Pow(10, float64(e))
		for _, m := range []float64{1, 2, 5} {
			cand = append(cand, roundSig(m*p))
		}
	}
	nlo, nhi = lo, hi
	if !fixLo {
		nlo = lastAtMost(cand, lo)
	}
	if !fixHi {
		nhi = firstAtLeast(cand, hi)
	}
	vals = within(cand, nlo, nhi)
	if len(vals) <= maxTicks {
		return vals, nlo, nhi
	}
	// Every k-th decade, within the range rounded out to whole decades.
	nlo, nhi = lo, hi
	if !fixLo {
		nlo = math.Pow(10, float64(e0))
	}
	if !fixHi {
		nhi = math.Pow(10, float64(e1))
	}
	for k := 1; ; k++ {
		a, b := ceilDiv(e0, k)*k, floorDiv(e1, k)*k
		if (b-a)/k+1 > maxTicks && k < 400 {
			continue
		}
		vals = vals[:0]
		for e := a; e <= b; e += k {
			v := roundSig(math.Pow(10, float64(e)))
			if v >= nlo*(1-1e-9) && v <= nhi*(1+1e-9) {
				vals = append(vals, v)
			}
		}
		return vals, nlo, nhi
	}
}

// ResolveAxis fits axis a to data spanning [lo, hi] (already including limit lines) and
// returns its range and ticks. Linear axes start at zero when all data are ≥ 0.
func ResolveAxis(a Axis, lo, hi float64, maxTicks int) Range {
	if math.IsInf(lo, 1) || math.IsNaN(lo) || math.IsNaN(hi) {
		// No data: a neutral range.
		lo, hi = 0, 1
		if a.Scale == Log {
			lo, hi = 1, 10
		}
	}
	if a.FixedMin {
		lo = a.Min
	}
	if a.FixedMax {
		hi = a.Max
	}
	if a.Scale == Log {
		if lo <= 0 {
			lo = hi / 10
		}
		if hi <= 0 {
			lo, hi = 1, 10
		}
		return LogTicks(lo, hi, maxTicks, a.Unit, a.FixedMin, a.FixedMax)
	}
	if !a.FixedMin && lo > 0 {
		lo = 0
	}
	if !a.FixedMax && hi < 0 {
		hi = 0
	}
	return LinearTicks(lo, hi, maxTicks, a.Unit, a.FixedMin, a.FixedMax)
}

// spread widens an empty or inverted range so it can be drawn.
func spread(lo, hi float64, s Scale) (float64, float64) {
	if lo > hi {
		lo, hi = hi, lo
	}
	if hi > lo {
		return lo, hi
	}
	if s == Log {
		return lo / 2, hi * 2
	}
	if lo == 0 {
		return 0, 1
	}
	d := math.Abs(lo) * 0.1
	return lo - d, hi + d
}

// digitsBetween returns how many significant digits tell ticks step apart up to magnitude max.
func digitsBetween(max, step float64) int {
	if max == 0 {
		return 1
	}
	n := int(math.Floor(math.Log10(max)+1e-9)) - int(math.Floor(math.Log10(step)+1e-9)) + 1
	if n < 1 {
		n = 1
	}
	if n > 8 {
		n = 8
	}
	return n
}

func roundTo(v, step float64) float64 {
	dec := -math.Floor(math.Log10(step)) + 1
	if dec < 0 {
		dec = 0
	}
	p := math.Pow(10, dec)
	return math.Round(v*p) / p
}

// roundSig removes floating noise from 1-2-5 values such as 5e-7.
func roundSig(v float64) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-6)
	return math.Round(v/p) * p
}

func lastAtMost(c []float64, v float64) float64 {
	best := c[0]
	for _, x := range c {
		if x <= v*(1+1e-9) {
			best = x
		}
	}
	return best
}

func firstAtLeast(c []float64, v float64) float64 {
	for _, x := range c {
		if x >= v*(1-1e-9) {
			return x
		}
	}
	return c[len(c)-1]
}

func within(c []float64, lo, hi float64) []float64 {
	var out []float64
	for _, x := range c {
		if x >= lo*(1-1e-9) && x <= hi*(1+1e-9) {
			out = append(out, x)
		}
	}
	return out
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ceilDiv(a, b int) int { return -floorDiv(-a, b) }
