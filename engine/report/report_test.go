package report

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"slmscope/charts"
	"slmscope/engine/assets"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/estimate/estimatetest"
	"slmscope/engine/table"
)

// fixtureCalibration loads engine/table/testdata/calibration.json: a real calibration of the development
// machine (Debian 12, 2 cores, no GPU), measured with `slmscope calibrate --budget 45s`.
func fixtureCalibration(t testing.TB) estimate.Calibration {
	return estimatetest.Calibration(t, "../table/testdata/calibration.json")
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

func TestPercent(t *testing.T) {
	for v, want := range map[float64]string{137.8: "138%", 4.56: "4.6%", 0.123: "0.12%"} {
		if got := percent(v); got != want {
			t.Errorf("percent(%v) = %q, want %q", v, got, want)
		}
	}
}

// The report's first section is the answer, as Compare opens on it: every catalog model with
// its full name in one of the groups' tables.
func TestPageOpensOnTheAnswer(t *testing.T) {
	d := table.Compute(fixture(t))
	p := Page(d)
	if len(p.Sections) == 0 || p.Sections[0].Heading != "What this machine can run" {
		t.Fatalf("first section %+v", p.Sections[0].Heading)
	}
	names := map[string]bool{}
	for _, tb := range p.Sections[0].Tables {
		for _, r := range tb.Rows {
			names[r[0]] = true
		}
	}
	for _, m := range catalog.All() {
		if !names[m.Name] {
			t.Errorf("%s is not in the report's answer", m.Name)
		}
	}
}
