package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"slmscope/charts"
	"slmscope/engine/assets"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/table"
	"slmscope/internal/units"
)

// fixtureCalibration loads testdata/calibration.json: a real calibration of the development
// machine (Debian 12, 2 cores, no GPU), measured with `slmscope calibrate --budget 45s`.
func fixtureCalibration(t testing.TB) estimate.Calibration {
	t.Helper()
	b, err := os.ReadFile("testdata/calibration.json")
	if err != nil {
		t.Fatal(err)
	}
	var cal estimate.Calibration
	if err := json.Unmarshal(b, &cal); err != nil {
		t.Fatal(err)
	}
	return cal
}

// fixture is the report input of the fixture calibration, every catalog model and a fixed
// date.
func fixture(t *testing.T) table.Input {
	t.Helper()
	cal := fixtureCalibration(t)
	if len(cal.Measurements) < 3 {
		t.Fatalf("fixture has %d measurements, want ≥ 3", len(cal.Measurements))
	}
	return table.Input{Machine: cal.Machine, Calibration: cal, Models: catalog.All(),
		Now: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)}
}

func TestComputeCoversEveryModelAndQuant(t *testing.T) {
	tests := []struct {
		name       string
		calibrated bool
		quants     []quant.Quant
	}{
		{"calibrated, default quants plus measured ones", true, nil},
		{"uncalibrated", false, nil},
		{"one quant", true, []quant.Quant{"Q8_0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture(t)
			if !tc.calibrated {
				in.Calibration = estimate.Calibration{}
			}
			in.Quants = tc.quants
			d := table.Compute(in)
			want, published := len(d.Input.Quants)*len(in.Models), 0
			for _, m := range in.Models { // and each model's published quant (gpt-oss's MXFP4) unless one quant was asked for
				if len(d.Input.Quants) != 1 && m.PublishedQuant != "" && !slices.Contains(d.Input.Quants, quant.Canonical(m.PublishedQuant)) {
					published++
				}
			}
			if got := len(d.Projections) + len(d.Skipped); got != want+published || published == 0 && len(d.Input.Quants) != 1 {
				t.Fatalf("%d projections + %d skipped, want %d (%d models × %v, and %d at their published quant)",
					len(d.Projections), len(d.Skipped), want+published, len(in.Models), d.Input.Quants, published)
			}
			measured := 0
			for _, p := range d.Projections {
				if p.Source == estimate.SourceMeasured {
					measured++
				}
				if b := table.Badge(p); !strings.HasPrefix(b, "● measured") && !strings.HasPrefix(b, "○ projected") {
					t.Errorf("%s %s: badge %q", p.ID, p.Quant, b)
				}
			}
			if tc.calibrated && tc.quants == nil && measured == 0 {
				t.Error("a calibrated report with the measured quants shows no measured row")
			}
			if !tc.calibrated && measured != 0 {
				t.Errorf("uncalibrated report shows %d measured rows", measured)
			}
			if d.Calibrated() != tc.calibrated {
				t.Errorf("Calibrated() = %v", d.Calibrated())
			}
		})
	}
}

func TestQuantsForAddsMeasuredQuants(t *testing.T) {
	cal := estimate.Calibration{Measurements: []estimate.Measurement{{ModelID: "smollm2-135m", Quant: "q4_0"}, {ModelID: "smollm2-135m", Quant: "q8_0"}}}
	got := quant.Join(table.QuantsFor(cal), ",")
	if want := quant.Join(append(estimate.DefaultQuants(), quant.Q4_0), ","); got != want {
		t.Errorf("QuantsFor = %s, want %s", got, want)
	}
}

func TestContextChangesMemory(t *testing.T) {
	in := fixture(t)
	in.Quants = []quant.Quant{"Q8_0"}
	in.Context = 2048
	small := table.Compute(in)
	in.Context = 32768
	big := table.Compute(in)
	for i := range small.Projections {
		a, b := small.Projections[i], big.Projections[i]
		if b.Memory.KVBytes <= a.Memory.KVBytes || b.MemoryBytes <= a.MemoryBytes {
			t.Errorf("%s: KV %d → %d, memory %d → %d when context grows 16×", a.ID, a.Memory.KVBytes, b.Memory.KVBytes, a.MemoryBytes, b.MemoryBytes)
		}
	}
}

func TestChartsAreValidAndFilled(t *testing.T) {
	for _, calibrated := range []bool{true, false} {
		in := fixture(t)
		if !calibrated {
			in.Calibration = estimate.Calibration{}
		}
		cs := Charts(table.Compute(in))
		ids := []string{"speed-vs-size", "memory-vs-size", "cost-per-million", "ttft-vs-prompt"}
		if len(cs) != len(ids) {
			t.Fatalf("%d charts, want %d", len(cs), len(ids))
		}
		for i, c := range cs {
			if c.ID != ids[i] {
				t.Errorf("chart %d is %q, want %q", i, c.ID, ids[i])
			}
			if err := c.Validate(); err != nil {
				t.Errorf("calibrated=%v: %v", calibrated, err)
			}
			if c.PointCount() == 0 {
				t.Errorf("calibrated=%v: chart %q has no points", calibrated, c.ID)
			}
		}
		if !hasRoofline(cs[0]) || len(cs[0].Limits) == 0 {
			t.Errorf("speed chart lacks rooflines or the reading-speed band: %d series, %d limits", len(cs[0].Series), len(cs[0].Limits))
		}
		if len(cs[1].Limits) == 0 {
			t.Error("memory chart has no RAM limit line")
		}
		if len(cs[2].Limits) == 0 || !strings.Contains(cs[2].Subtitle, "as of") {
			t.Errorf("cost chart lacks dated API prices: %q", cs[2].Subtitle)
		}
	}
}

func hasRoofline(c charts.Chart) bool {
	for _, s := range c.Series {
		if s.Kind == charts.Reference && strings.HasPrefix(s.Name, "roofline") {
			return true
		}
	}
	return false
}

var (
	externalRef = regexp.MustCompile(`(?i)(https?:|^//|url\()`)
	urlAttrs    = map[string]bool{"src": true, "href": true, "action": true, "srcset": true, "poster": true, "data": true, "xlink:href": true}
)

// TestWriteIsOfflineHTML renders the real report with the real echarts library and checks it
// parses as HTML, references no external URL, and holds every chart and table.
func TestWriteIsOfflineHTML(t *testing.T) {
	lib, err := assets.EChartsJS()
	if errors.Is(err, assets.ErrNotSetUp) {
		t.Skip("runtime files not set up: run `make setup`")
	}
	if err != nil {
		t.Fatal(err)
	}
	in := fixture(t)
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if p := os.Getenv("SLMSCOPE_REPORT_OUT"); p != "" {
		_ = os.WriteFile(p, buf.Bytes(), 0o644)
	}

	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	var tables, h3, scripts int
	var h3Text []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if urlAttrs[strings.ToLower(a.Key)] {
					t.Errorf("<%s %s=%q> references a resource; the report must be self-contained", n.Data, a.Key, a.Val)
				}
				if a.Key == "style" && externalRef.MatchString(a.Val) {
					t.Errorf("<%s style=%q> references a URL", n.Data, a.Val)
				}
			}
			switch n.Data {
			case "table":
				tables++
			case "h3":
				h3++
				if n.FirstChild != nil {
					h3Text = append(h3Text, n.FirstChild.Data)
				}
			case "script":
				scripts++
			case "link", "iframe", "img", "object", "embed":
				t.Errorf("report contains <%s>", n.Data)
			}
		}
		if n.Type == html.TextNode && (n.Parent == nil || n.Parent.Data != "script") && externalRef.MatchString(n.Data) {
			t.Errorf("visible text references a URL: %q", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	// Outside the inlined library, no script may mention a URL scheme.
	rest := strings.Replace(out, strings.ReplaceAll(string(lib), "</", `<\/`), "", 1)
	if len(rest) == len(out) {
		t.Fatal("echarts.min.js is not inlined")
	}
	if loc := externalRef.FindStringIndex(rest); loc != nil {
		t.Errorf("the page references a URL outside the inlined library: …%s…", rest[max(0, loc[0]-80):min(len(rest), loc[1]+80)])
	}
	for _, c := range Charts(table.Compute(in)) {
		if !strings.Contains(strings.Join(h3Text, "\n"), c.Title) {
			t.Errorf("chart %q missing (headings: %q)", c.Title, h3Text)
		}
		if !strings.Contains(out, "_"+strings.ReplaceAll(c.ID, "-", "_")) {
			t.Errorf("chart %q has no echarts element", c.ID)
		}
	}
	// hardware, projections, API prices, local vs API, speed and memory validation
	if tables < 6 {
		t.Errorf("%d tables, want at least 6", tables)
	}
	for _, want := range []string{"How each number was obtained", "median absolute error", "SmolLM2-135M", "Llama-3.1-8B", "● measured", "○ projected", "as of"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestPageUncalibratedSaysSo(t *testing.T) {
	in := fixture(t)
	in.Calibration = estimate.Calibration{}
	p := Page(table.Compute(in))
	var text []string
	for _, s := range p.Sections {
		text = append(text, s.Paragraphs...)
	}
	if !strings.Contains(strings.Join(text, "\n"), EmptyStateText) {
		t.Error("uncalibrated page lacks the empty-state sentence")
	}
}

func TestCellsAndSortKeys(t *testing.T) {
	p := estimate.Projection{Name: "Qwen2.5-7B", Quant: "Q4_K_M", Params: 7_615_616_512, MemoryBytes: 5_000_000_000,
		Fits: true, FitVerdict: estimate.Verdict{Fits: true, Placement: estimate.PlaceRAM},
		DecodeTPS: 4, DecodeTPSLow: 3, DecodeTPSHigh: 5, TTFTMs: 2500, Source: estimate.SourceProjected, Calibrated: true,
		Cost: estimate.Cost{TotalPerMTok: 1.234, Currency: "USD"}}
	tests := []struct {
		col  table.Column
		want string
	}{
		{table.ColParams, "7.62B"}, {table.ColFits, "yes (RAM)"}, {table.ColSpeed, "4.00 (3.00–5.00)"}, {table.ColTTFT, "2.50 s"},
		{table.ColCost, "1.23 USD"}, {table.ColSource, "○ projected ±25%"},
	}
	cells := table.Cells(p)
	for _, tc := range tests {
		if cells[tc.col] != tc.want {
			t.Errorf("column %s: %q, want %q", table.ColumnTitles[tc.col], cells[tc.col], tc.want)
		}
	}
	for b, want := range map[int64]string{512: "512 B", 94_400_000: "94.4 MB", 922_000_000: "922 MB", 1_540_000_000: "1.54 GB", 999_600_000: "1.00 GB"} {
		if got := units.Bytes(b); got != want {
			t.Errorf("units.Bytes(%d) = %q, want %q", b, got, want)
		}
	}
	for ms, want := range map[float64]string{840: "840 ms", 2500: "2.50 s", 27_300: "27 s", 1_452_000: "24 min", 11_000_000: "3.1 h"} {
		if got := table.TTFTText(estimate.Projection{TTFTMs: ms}); got != want {
			t.Errorf("TTFTText(%v ms) = %q, want %q", ms, got, want)
		}
	}
	for v, want := range map[float64]string{137.8: "138%", 4.56: "4.6%", 0.123: "0.12%"} {
		if got := percent(v); got != want {
			t.Errorf("percent(%v) = %q, want %q", v, got, want)
		}
	}
	if v, _ := table.SortKey(p, table.ColMemory); v != 5e9 {
		t.Errorf("memory sort key %v", v)
	}
	p.Cost.TotalPerMTok = 0
	if v, _ := table.SortKey(p, table.ColCost); v < 1e300 {
		t.Errorf("unknown cost sorts at %v, want last", v)
	}
}

// BenchmarkCompute is what the Compare screen pays on every setting change, here with every
// quantization selected (the screen runs it off the UI goroutine and drops stale results).
func BenchmarkCompute(b *testing.B) {
	cal := fixtureCalibration(b)
	in := table.Input{Machine: cal.Machine, Calibration: cal, Models: catalog.All(), Quants: estimate.Quants()}
	for b.Loop() {
		_ = table.Compute(in)
	}
}
