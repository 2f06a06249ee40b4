package charts

import "strings"

// Each quantization has its own colour, and each family (bits per weight) its own marker, the
// same in the app and the HTML report: a reader tells BF16 from F16 by colour and Q8_0 from
// Q4_K_M by shape, on a projector or in grey print.

// quantColors are distinct on light and dark backgrounds (no near-identical blues).
var quantColors = map[string]string{
	"F32":    "#8c8c8c",
	"F16":    "#0072b2", // blue
	"BF16":   "#d55e00", // vermillion
	"Q8_0":   "#009e73", // green
	"Q6_K":   "#cc79a7", // pink
	"Q5_K_M": "#e69f00", // orange
	"Q5_K_S": "#b07d00",
	"Q5_0":   "#c9a400",
	"Q4_K_M": "#9b59b6", // purple
	"Q4_K_S": "#56b4e9", // sky blue
	"Q4_0":   "#8d6e63", // brown
	"Q3_K_M": "#7f8c2d",
	"Q2_K":   "#e74c3c",
}

// QuantColor is quantization q's colour; unknown names take palette entry i.
func QuantColor(q string, i int) string {
	if c, ok := quantColors[strings.ToUpper(q)]; ok {
		return c
	}
	return Palette[i%len(Palette)]
}

// QuantMarker is the marker of q's family: circles for 16/32-bit, squares for 8-bit,
// diamonds for 5- and 6-bit, triangles for 4-bit and below.
func QuantMarker(q string) Marker {
	u := strings.ToUpper(q)
	switch {
	case strings.HasPrefix(u, "F") || strings.HasPrefix(u, "BF"):
		return MarkerCircle
	case strings.HasPrefix(u, "Q8"):
		return MarkerSquare
	case strings.HasPrefix(u, "Q5") || strings.HasPrefix(u, "Q6"):
		return MarkerDiamond
	case strings.HasPrefix(u, "Q"):
		return MarkerTriangle
	}
	return MarkerCircle
}

// PointName is the short name written beside a labelled point: its label up to the first
// ':' ("SmolLM2-135M Q8_0").
func PointName(p Point) string {
	name, _, _ := strings.Cut(p.Label, ":")
	return strings.TrimSpace(name)
}
