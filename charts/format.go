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
		return units.Sig(v, 3) + " tok/s"
	case UnitBytes:
		return units.BytesN(v, 3)
	case UnitMillis:
		if math.Abs(v) >= 1000 {
			return units.Sig(v/1000, 3) + " s"
		}
		return units.Sig(v, 3) + " ms"
	case UnitSeconds:
		if math.Abs(v) < 1 && v != 0 {
			return units.Sig(v*1000, 3) + " ms"
		}
		return units.Sig(v, 3) + " s"
	case UnitUSDPerMTok:
		return FormatUSD(v) + " per 1M tokens"
	case UnitParams:
		return units.ParamsN(v, 3)
	case UnitTokens:
		return formatCount(v, 3) + " tokens"
	}
	return units.Sig(v, 3)
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
	return units.Sig(v, n)
}

// FormatUSD writes a dollar amount: "$0.012", "$0.45", "$10", "$1.2k".
func FormatUSD(v float64) string { return formatUSD(v, 3) }

func formatUSD(v float64, n int) string {
	if v < 0 {
		return "-" + formatUSD(-v, n)
	}
	if v >= 1e4 {
		return "$" + units.Sig(v/1e3, n) + "k"
	}
	return "$" + units.Sig(v, n)
}

// formatCount writes counts: exact below 10 000, then "12k", "1.5M".
func formatCount(v float64, n int) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return units.Sig(v/1e6, n) + "M"
	case a >= 1e4:
		return units.Sig(v/1e3, n) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return units.Sig(v, n)
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
