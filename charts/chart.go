// Package charts holds slmscope's one chart description — axes, series, limit lines, measured
// versus projected styling — the helpers both renderers share (scale mapping, "nice" ticks,
// number formatting, decimation, hit-testing), constructors for the app's charts from plain
// data, and the go-echarts HTML renderer. The native Fyne renderer lives in package ui.
//
// The rule the charts protect: every number is either measured (solid) or projected (dashed,
// with its low/high band), and the chart's caption says how the numbers were obtained.
package charts

import (
	"errors"
	"fmt"
	"math"
)

// Scale is how an axis maps values to positions.
type Scale int

const (
	// Linear spaces values evenly.
	Linear Scale = iota
	// Log spaces decades evenly; every value on a log axis must be > 0.
	Log
)

func (s Scale) String() string {
	if s == Log {
		return "log"
	}
	return "linear"
}

// Kind says where a series' numbers come from, which decides how it is drawn.
type Kind int

const (
	// Measured numbers were measured on this machine: solid points (and solid lines).
	Measured Kind = iota
	// Projected numbers were computed from a fit: a dashed line with a shaded low/high band.
	Projected
	// Reference lines are context (a roofline, a published figure): a thin line, no points.
	Reference
)

func (k Kind) String() string {
	switch k {
	case Projected:
		return "projected"
	case Reference:
		return "reference"
	}
	return "measured"
}

// Axis describes one axis. Min and Max are used only when FixedMin / FixedMax are set;
// otherwise the range is fitted to the data and limit lines, rounded out to nice ticks.
type Axis struct {
	Label    string // e.g. "Parameters"
	Unit     Unit   // how values are formatted (ticks, tooltips)
	Scale    Scale
	Min, Max float64
	FixedMin bool
	FixedMax bool
}

// Point is one data point. Low and High give the band of a projected value; they are used
// when High > Low. Label names the point ("Qwen2.5-7B Q4_0"); Note says how it was obtained.
type Point struct {
	X, Y      float64
	Low, High float64
	Label     string
	Note      string
}

// HasBand reports whether the point carries a low/high band.
func (p Point) HasBand() bool { return p.High > p.Low }

// Series is a named set of points drawn one way. Measured series draw their points and, when
// Line is set, a solid line through them; projected series always draw a dashed line (and
// markers); reference series draw a thin line only.
type Series struct {
	Name   string
	Kind   Kind
	Line   bool
	Color  string // optional "#rrggbb"; empty picks from Palette by series index
	Points []Point
	// Legend names the series' legend entry; series that share a name share one entry (a
	// quantization's measured and projected series). Empty: the series' Name.
	Legend string
	// Marker is the shape of the series' points (one per quantization family).
	Marker Marker
	// LabelPoints writes each point's name (its Label up to " Q…"/":") beside it.
	LabelPoints bool
}

// LegendName is the series' legend entry.
func (s Series) LegendName() string {
	if s.Legend != "" {
		return s.Legend
	}
	return s.Name
}

// Marker is a point shape.
type Marker int

// The point shapes; renderers draw projected points hollow, measured ones filled.
const (
	MarkerCircle Marker = iota
	MarkerSquare
	MarkerTriangle
	MarkerDiamond
)

// Symbol is the marker's echarts symbol name.
func (m Marker) Symbol() string {
	return [...]string{"circle", "rect", "triangle", "diamond"}[m%4]
}

// Orientation says which way a limit line runs.
type Orientation int

const (
	// Horizontal limits mark a Y value (e.g. "RAM available 24.6 GB").
	Horizontal Orientation = iota
	// Vertical limits mark an X value.
	Vertical
)

// Limit is a horizontal or vertical line, or a band when To > Value (e.g. "reading speed
// 5–10 tok/s").
type Limit struct {
	Orientation Orientation
	Value       float64
	To          float64
	Label       string
	Color       string // optional "#rrggbb"
}

// IsBand reports whether the limit spans a range rather than a single value.
func (l Limit) IsBand() bool { return l.To > l.Value }

// Chart is one chart, renderer-independent.
type Chart struct {
	ID       string // stable identifier, e.g. "speed-vs-size"; used for HTML element ids
	Title    string
	Subtitle string // how the numbers were obtained
	X, Y     Axis
	Series   []Series
	Limits   []Limit
	Empty    string // what to show when there are no points, e.g. "No data yet: run Measure"
	// StyleKey adds two legend entries that explain the drawing styles once ("● measured",
	// "◌ projected, band = low–high") instead of one entry per series and style.
	StyleKey bool
}

// Legend texts of the style key.
const (
	StyleKeyMeasured  = "filled: measured here"
	StyleKeyProjected = "hollow, dashed: projected (band = low–high)"
)

// Palette is the colour cycle used for series without a colour (colour-blind-friendly Okabe–Ito).
var Palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"}

// LimitColor is the default colour of limit lines and bands.
const LimitColor = "#c0392b"

// SeriesColor returns series i's colour: its own, else the palette entry for i.
func (c Chart) SeriesColor(i int) string {
	if i >= 0 && i < len(c.Series) && c.Series[i].Color != "" {
		return c.Series[i].Color
	}
	if i < 0 {
		i = -i
	}
	return Palette[i%len(Palette)]
}

// PointCount returns the number of points over all series.
func (c Chart) PointCount() int {
	n := 0
	for _, s := range c.Series {
		n += len(s.Points)
	}
	return n
}

// EmptyText returns the empty-state message shown when the chart has no points.
func (c Chart) EmptyText() string {
	if c.Empty != "" {
		return c.Empty
	}
	return "No data yet: nothing has been measured or projected for this chart."
}

// Validate checks that the chart can be drawn: finite values, positive values on log axes,
// bands with Low ≤ Y ≤ High, and known kinds. The error says which series and point is wrong.
func (c Chart) Validate() error {
	if c.Title == "" {
		return errors.New("chart has no title: every chart needs one")
	}
	if err := c.X.validate("x"); err != nil {
		return fmt.Errorf("chart %q: %w", c.Title, err)
	}
	if err := c.Y.validate("y"); err != nil {
		return fmt.Errorf("chart %q: %w", c.Title, err)
	}
	for si, s := range c.Series {
		if err := c.validateSeries(si, s); err != nil {
			return err
		}
	}
	for _, l := range c.Limits {
		if err := c.validateLimit(l); err != nil {
			return err
		}
	}
	return nil
}

// validateSeries checks series si of c: a name for the legend, a known kind and drawable points.
func (c Chart) validateSeries(si int, s Series) error {
	if s.Name == "" {
		return fmt.Errorf("chart %q: series %d has no name (the legend needs one)", c.Title, si)
	}
	if s.Kind < Measured || s.Kind > Reference {
		return fmt.Errorf("chart %q: series %q has unknown kind %d", c.Title, s.Name, s.Kind)
	}
	for pi, p := range s.Points {
		if err := c.validatePoint(s.Name, pi, p); err != nil {
			return err
		}
	}
	return nil
}

// validatePoint checks point pi of the series named series: finite on both axes and, when it
// has a band, a band that is drawable and holds the value.
func (c Chart) validatePoint(series string, pi int, p Point) error {
	if err := checkValue(p.X, c.X.Scale); err != nil {
		return fmt.Errorf("chart %q: series %q point %d x: %w", c.Title, series, pi, err)
	}
	if err := checkValue(p.Y, c.Y.Scale); err != nil {
		return fmt.Errorf("chart %q: series %q point %d y: %w", c.Title, series, pi, err)
	}
	if !p.HasBand() {
		return nil
	}
	for _, v := range []float64{p.Low, p.High} {
		if err := checkValue(v, c.Y.Scale); err != nil {
			return fmt.Errorf("chart %q: series %q point %d band: %w", c.Title, series, pi, err)
		}
	}
	if p.Y < p.Low || p.Y > p.High {
		return fmt.Errorf("chart %q: series %q point %d: value %g lies outside its band %g–%g", c.Title, series, pi, p.Y, p.Low, p.High)
	}
	return nil
}

// validateLimit checks that limit l can be drawn on the axis it crosses: a vertical limit is
// an x value, a horizontal one a y value.
func (c Chart) validateLimit(l Limit) error {
	sc := c.Y.Scale
	if l.Orientation == Vertical {
		sc = c.X.Scale
	}
	if err := checkValue(l.Value, sc); err != nil {
		return fmt.Errorf("chart %q: limit %q: %w", c.Title, l.Label, err)
	}
	if l.IsBand() {
		if err := checkValue(l.To, sc); err != nil {
			return fmt.Errorf("chart %q: limit %q: %w", c.Title, l.Label, err)
		}
	}
	return nil
}

func (a Axis) validate(name string) error {
	if a.FixedMin && a.FixedMax && !(a.Max > a.Min) {
		return fmt.Errorf("%s axis: max %g must be above min %g", name, a.Max, a.Min)
	}
	if a.FixedMin {
		if err := checkValue(a.Min, a.Scale); err != nil {
			return fmt.Errorf("%s axis min: %w", name, err)
		}
	}
	if a.FixedMax {
		if err := checkValue(a.Max, a.Scale); err != nil {
			return fmt.Errorf("%s axis max: %w", name, err)
		}
	}
	return nil
}

func checkValue(v float64, s Scale) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("value %g is not a finite number", v)
	}
	if s == Log && v <= 0 {
		return fmt.Errorf("value %g cannot be shown on a log axis (it must be above zero)", v)
	}
	return nil
}
