// Package units is slmscope's one formatting home: every byte count, parameter count,
// duration, rate and percentile that a screen, a command or a report shows is written here,
// so the same fact reads the same everywhere.
//
// Bytes are decimal (1 GB = 10⁹ bytes), the convention of model cards, of the lesson and of
// the files people download. The package imports only the standard library, so every other
// package (hwprobe, charts, lessons, engine, ui) may use it.
package units

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// TwinDisclaimer is said wherever twin output or a twin measurement appears.
const TwinDisclaimer = "twin: real speed, random words"

// Bytes writes a byte count in decimal units with three significant digits: "512 B",
// "136 MB", "4.92 GB", "1.23 TB".
func Bytes(b int64) string { return BytesN(float64(b), 3) }

// BytesU is Bytes for unsigned counts (hardware figures).
func BytesU(b uint64) string { return BytesN(float64(b), 3) }

// BytesN writes v bytes with n significant digits, keeping trailing zeros so the precision
// shows ("1.00 GB"); charts use fewer digits on axis ticks.
func BytesN(v float64, n int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	i := 0
	for i < len(units)-1 && math.Abs(v) >= 999.5 {
		v /= 1000
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64) + " B"
	}
	digits := n - 1
	for a := math.Abs(v); a >= 9.995 && digits > 0; a /= 10 {
		digits--
	}
	return strconv.FormatFloat(v, 'f', digits, 64) + " " + units[i]
}

// GB writes a byte count in GB on one scale, for "x of y GB" pairs and the lesson: one
// decimal ("22.6 GB", "16 GB"), two significant digits below 1 GB ("0.27 GB").
func GB(b int64) string {
	v := float64(b) / 1e9
	if math.Abs(v) < 1 {
		return Sig(v, 2) + " GB"
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + " GB"
}

// Params writes a parameter count the way model names do: "135M", "1.7B", "8.03B", "405B".
func Params(n int64) string { return ParamsN(float64(n), 3) }

// ParamsN is Params with n significant digits.
func ParamsN(v float64, n int) string {
	a := math.Abs(v)
	switch {
	case a >= 1e12:
		return Sig(v/1e12, n) + "T"
	case a >= 1e9:
		return Sig(v/1e9, n) + "B"
	case a >= 1e6:
		return Sig(v/1e6, n) + "M"
	case a >= 1e3:
		return Sig(v/1e3, n) + "K"
	}
	return Sig(v, n)
}

// Tokens writes a token count for contexts and prompts: "512", "4K", "128K".
func Tokens(n int) string {
	switch {
	case n >= 1024 && n%1024 == 0:
		return strconv.Itoa(n/1024) + "K"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// Count writes a count with its noun, singular for one: "1 twin", "3 twins". Every noun
// counted on screen takes a plain -s plural.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Millis writes a duration given in milliseconds: "0.84 ms", "84 ms", "840 ms", "1.2 s",
// "2.1 min".
func Millis(ms float64) string {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return "n/a"
	case math.Abs(ms) >= 120000:
		return Duration(ms / 1000)
	case math.Abs(ms) >= 1000:
		return Sig(ms/1000, 3) + " s"
	}
	return Sig(ms, 3) + " ms"
}

// Duration writes a length of time given in seconds: "4.5 s", "2.3 min", "1.5 h".
func Duration(sec float64) string {
	switch {
	case math.IsNaN(sec) || math.IsInf(sec, 0):
		return "n/a"
	case sec >= 3600:
		return strconv.FormatFloat(sec/3600, 'f', 1, 64) + " h"
	case sec >= 60:
		return strconv.FormatFloat(sec/60, 'f', 1, 64) + " min"
	}
	return strconv.FormatFloat(sec, 'f', 1, 64) + " s"
}

// TokPerSec writes a generation or prompt rate: "95.0 tok/s", "573 tok/s", "0.84 tok/s".
func TokPerSec(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return TPS(v) + " tok/s"
}

// TPS is TokPerSec's number without its unit, for tables whose header names the unit:
// "573", "91.2", "5.4", "0.84". Every screen writes a speed with it, so one figure reads the
// same everywhere.
func TPS(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "n/a"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return Sig(v, 2)
}

// GBps writes a memory bandwidth in decimal GB per second: "8.4 GB/s", "120 GB/s".
func GBps(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " GB/s"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " GB/s"
}

// Percent writes a fraction as a signed or unsigned percentage with one decimal: 0.081 →
// "8.1 %".
func Percent(frac float64) string {
	if math.IsNaN(frac) || math.IsInf(frac, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(100*frac, 'f', 1, 64) + " %"
}

// Sig writes v with n significant digits and no exponent for everyday magnitudes:
// Sig(0.0123, 2) = "0.012", Sig(136.4, 3) = "136", Sig(4.0, 3) = "4".
func Sig(v float64, n int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		if v == 0 {
			return "0"
		}
		return "n/a"
	}
	digits := n - 1 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits < 0 {
		p := math.Pow(10, float64(-digits))
		return strconv.FormatFloat(math.Round(v/p)*p, 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Percentile is the p-th percentile (0–100) of xs by linear interpolation between the two
// nearest ranks; xs need not be sorted and is not changed. It is 0 for no values.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return PercentileSorted(s, p)
}

// PercentileSorted is Percentile for values already sorted ascending.
func PercentileSorted(s []float64, p float64) float64 {
	if len(s) == 0 {
		return 0
	}
	p = math.Max(0, math.Min(100, p))
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// Median is Percentile(xs, 50).
func Median(xs []float64) float64 { return Percentile(xs, 50) }
