package table

import (
	"fmt"
	"math"
	"strings"

	"slmscope/engine/estimate"
	"slmscope/internal/units"
)

// Column is one column of the projection table.
type Column int

// The projection table's columns, in order.
const (
	ColModel Column = iota
	ColParams
	ColQuant
	ColMemory
	ColFits
	ColSpeed
	ColTTFT
	ColCost
	ColSource
	NumColumns
)

// ColumnTitles are the projection table's headers.
var ColumnTitles = [NumColumns]string{"Model", "Params", "Quant", "Memory (KV cache)", "Fits?", "Tok/s (band)", "TTFT", "Cost/1M tok", "Source"}

// DefaultPromptTokens is the prompt length the TTFT column assumes unless told otherwise.
const DefaultPromptTokens = 512

// ColumnTitle is column c's header; the TTFT column names the prompt length it assumes,
// since a time to first token means nothing without it.
func ColumnTitle(c Column, promptTokens int) string {
	if c == ColTTFT {
		if promptTokens <= 0 {
			promptTokens = DefaultPromptTokens
		}
		return fmt.Sprintf("TTFT (%d tok)", promptTokens)
	}
	return ColumnTitles[c]
}

// Cells returns p's row of the projection table as text.
func Cells(p estimate.Projection) [NumColumns]string {
	return [NumColumns]string{
		p.Name,
		units.Params(p.Params),
		string(p.Quant),
		MemoryText(p),
		FitsText(p),
		SpeedText(p),
		TTFTText(p),
		CostText(p),
		Badge(p),
	}
}

// SortKey returns a value that orders rows by column c: numbers for numeric columns, text
// (lower case) otherwise.
func SortKey(p estimate.Projection, c Column) (float64, string) {
	switch c {
	case ColParams:
		return float64(p.Params), ""
	case ColMemory:
		return float64(p.MemoryBytes), ""
	case ColFits:
		if p.Fits {
			return 0, ""
		}
		return 1, ""
	case ColSpeed:
		return p.DecodeTPS, ""
	case ColTTFT:
		return p.TTFTMs, ""
	case ColCost:
		if p.Cost.TotalPerMTok <= 0 {
			return math.Inf(1), ""
		}
		return p.Cost.TotalPerMTok, ""
	case ColQuant:
		return 0, string(p.Quant)
	case ColSource:
		return 0, p.Label()
	}
	return 0, strings.ToLower(p.Name)
}

// MemoryText is "4.92 GB (KV 537 MB)": what must fit, with the KV cache part.
func MemoryText(p estimate.Projection) string {
	return fmt.Sprintf("%s (KV %s)", units.Bytes(p.MemoryBytes), units.Bytes(p.Memory.KVBytes))
}

// FitsText is "yes (RAM)", "yes (GPU)", "partial 20/32 on GPU", "no" or "unknown".
func FitsText(p estimate.Projection) string {
	v := p.FitVerdict
	switch {
	case v.Placement == estimate.PlacePartial:
		if v.ExpertsInRAM {
			return fmt.Sprintf("partial: %d/%d layers' experts in RAM", v.CPUExpertLayers, v.TotalLayers)
		}
		return fmt.Sprintf("partial %d/%d on GPU", v.GPULayers, v.TotalLayers)
	case p.Fits && v.Placement == estimate.PlaceGPU:
		return "yes (GPU)"
	case p.Fits && v.Tight:
		return "yes (RAM, tight)"
	case p.Fits:
		return "yes (RAM)"
	case v.Placement == estimate.PlaceUnknown:
		return "unknown"
	}
	return "no"
}

// SpeedText is "91.2 tok/s" for a measurement and "12.4 (9.8–15.1)" for a projection.
func SpeedText(p estimate.Projection) string {
	if p.DecodeTPS <= 0 {
		return "–"
	}
	if p.Source == estimate.SourceMeasured || p.DecodeTPSLow <= 0 || p.DecodeTPSHigh <= 0 {
		return tps(p.DecodeTPS)
	}
	return fmt.Sprintf("%s (%s–%s)", tps(p.DecodeTPS), tps(p.DecodeTPSLow), tps(p.DecodeTPSHigh))
}

// tps writes a rate in tokens per second as every screen does (units.TPS): "573", "91.2", "5.4".
func tps(v float64) string { return units.TPS(v) }

// FixedFigures writes v with no decimals from wide up, one from wide/10 up and two below.
func FixedFigures(v, wide float64) string {
	decimals := 2
	switch {
	case v >= wide:
		decimals = 0
	case v >= wide/10:
		decimals = 1
	}
	return fmt.Sprintf("%.*f", decimals, v)
}

// TTFTText is the time to first token: "840 ms", "2.50 s", "27 s", "24 min", "3.1 h".
func TTFTText(p estimate.Projection) string {
	if p.TTFTMs <= 0 {
		return "–"
	}
	sec := p.TTFTMs / 1000
	switch {
	case p.TTFTMs < 1000:
		return fmt.Sprintf("%.0f ms", p.TTFTMs)
	case sec < 10:
		return fmt.Sprintf("%.2f s", sec)
	case sec < 120:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 7200:
		return fmt.Sprintf("%.0f min", sec/60)
	}
	return fmt.Sprintf("%.1f h", sec/3600)
}

// CostText is the local cost of a million generated tokens, e.g. "0.061 USD".
func CostText(p estimate.Projection) string {
	if p.Cost.TotalPerMTok <= 0 {
		return "–"
	}
	c := p.Cost.TotalPerMTok
	switch {
	case c >= 10:
		return fmt.Sprintf("%.1f %s", c, p.Cost.Currency)
	case c >= 0.1:
		return fmt.Sprintf("%.2f %s", c, p.Cost.Currency)
	}
	return fmt.Sprintf("%.3f %s", c, p.Cost.Currency)
}

// Badge is "● measured" or "○ projected ±12%" (", uncalibrated" when nothing on this machine
// backs the fit).
func Badge(p estimate.Projection) string {
	if p.Source == estimate.SourceMeasured {
		return "● measured"
	}
	s := "○ " + p.Label()
	if p.DecodeTPS > 0 && p.DecodeTPSLow > 0 && p.DecodeTPSHigh > 0 {
		band := math.Max(p.DecodeTPSHigh/p.DecodeTPS-1, 1-p.DecodeTPSLow/p.DecodeTPS)
		s += fmt.Sprintf(" ±%.0f%%", band*100)
	}
	return s
}
