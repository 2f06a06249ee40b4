package charts

import (
	"math"
	"strconv"
	"strings"

	"slmscope/internal/units"
)

// Unit says what an axis' numbers are and how to write them.
type Unit int

const (
	// UnitNone is a plain number.
	UnitNone Unit = iota
	// UnitTokPerSec is a speed in tokens per second ("6.1 tok/s").
	UnitTokPerSec
	// UnitBytes is a size in bytes, written in decimal units ("24.6 GB", "143 MB"), as everywhere in slmscope.
	UnitBytes
	// UnitMillis is a duration in milliseconds ("840 ms", "1.2 s").
	UnitMillis
	// UnitSeconds is a duration in seconds ("0.84 s").
	UnitSeconds
	// UnitUSDPerMTok is a price in US dollars per million tokens ("$0.45 per 1M tokens").
	UnitUSDPerMTok
	// UnitParams is a parameter count ("135M", "7B", "70B").
	UnitParams
	// UnitTokens is a count of tokens ("512 tokens").
	UnitTokens
)

// Symbol is the unit's short name for axis titles ("tok/s", "bytes"); empty for plain numbers
// and for units whose values carry their own suffix (parameters).
func (u Unit) Symbol() string {
	switch u {
	case UnitTokPerSec:
		return "tok/s"
	case UnitBytes:
		return "bytes"
	case UnitMillis:
		return "ms"
	case UnitSeconds:
		return "s"
	case UnitUSDPerMTok:
		return "$ per 1M tokens"
	case UnitTokens:
		return "tokens"
	}
	return ""
}

// AxisTitle returns the axis label with its unit, e.g. "Generation speed (tok/s)".
func AxisTitle(a Axis) string {
	sym := a.Unit.Symbol()
	if a.Unit == UnitBytes || sym == "" {
		return a.Label
	}
	if a.Label == "" {
		return sym
	}
	return a.Label + " (" + sym + ")"
}

// FormatValue writes v with its unit for tooltips and labels: "6.1 tok/s", "24.6 GB",
// "840 ms", "1.2 s", "$0.45 per 1M tokens", "7B", "512 tokens".
func FormatValue(v float64, u Unit) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	switch u {
	case UnitTokPerSec:
		return sig(v, 3) + " tok/s"
	case UnitBytes:
		return units.BytesN(v, 3)
	case UnitMillis:
		if math.Abs(v) >= 1000 {
			return sig(v/1000, 3) + " s"
		}
		return sig(v, 3) + " ms"
	case UnitSeconds:
		if math.Abs(v) < 1 && v != 0 {
			return sig(v*1000, 3) + " ms"
		}
		return sig(v, 3) + " s"
	case UnitUSDPerMTok:
		return FormatUSD(v) + " per 1M tokens"
	case UnitParams:
		return units.ParamsN(v, 3)
	case UnitTokens:
		return formatCount(v, 3) + " tokens"
	}
	return sig(v, 3)
}

// FormatTick writes v compactly for an axis tick with n significant digits (the unit is in
// the axis title, except where it is part of the number: GB, $, M/B).
func FormatTick(v float64, u Unit, n int) string {
	switch u {
	case UnitBytes:
		return trimZeros(units.BytesN(v, n))
	case UnitUSDPerMTok:
		return formatUSD(v, n)
	case UnitParams:
		return units.ParamsN(v, n)
	case UnitTokens:
		return formatCount(v, n)
	}
	return sig(v, n)
}

// FormatUSD writes a dollar amount: "$0.012", "$0.45", "$10", "$1.2k".
func FormatUSD(v float64) string { return formatUSD(v, 3) }

func formatUSD(v float64, n int) string {
	if v < 0 {
		return "-" + formatUSD(-v, n)
	}
	if v >= 1e4 {
		return "$" + sig(v/1e3, n) + "k"
	}
	return "$" + sig(v, n)
}

// formatCount writes counts: exact below 10 000, then "12k", "1.5M".
func formatCount(v float64, n int) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return sig(v/1e6, n) + "M"
	case a >= 1e4:
		return sig(v/1e3, n) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return sig(v, n)
}

// sig writes v with n significant digits in plain decimal notation (never an exponent), with
// trailing zeros trimmed: sig(6.1,3)="6.1", sig(612.3,3)="612", sig(0.01234,3)="0.0123".
func sig(v float64, n int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		if v == 0 {
			return "0"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if n < 1 {
		n = 1
	}
	mag := int(math.Floor(math.Log10(math.Abs(v))))
	dec := n - 1 - mag
	if dec < 0 {
		dec = 0
	}
	if dec > 12 {
		dec = 12
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// trimZeros drops the trailing zeros of a number followed by a unit, for axis ticks:
// "5.00 GB" → "5 GB", "2.50 GB" → "2.5 GB".
func trimZeros(s string) string {
	num, unit, ok := strings.Cut(s, " ")
	if !ok || !strings.Contains(num, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(num, "0"), ".") + " " + unit
}
