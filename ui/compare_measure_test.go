package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/lessons"
)

func TestCompareMeasureRowAddsMeasurement(t *testing.T) {
	f := &fakeCompare{bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
		p(0.5, "Measuring…")
		return engine.Measurement{ModelID: id, Quant: q, Params: 134_515_008, Context: 4096, GenTPS: 90, PromptTPS: 600,
			PromptTokens: prompt, TTFTMs: 210, PeakRSSBytes: 200 << 20, Twin: true, When: time.Now()}, nil
	}}
	_, s := compareFor(t, f)
	s.quantSel.SetSelected("Q8_0")
	var row engine.Projection
	for _, p := range s.rows {
		if p.ID == "smollm2-135m" {
			row = p
		}
	}
	if ok, why := s.measurable(row); !ok {
		t.Fatalf("smollm2-135m Q8_0 not measurable: %s", why)
	}
	s.onMeasureRow(row)
	if len(f.saved) != 1 || len(f.saved[0].Measurements) != 1 {
		t.Fatalf("saved %v", f.saved)
	}
	for _, p := range s.rows {
		if p.ID == "smollm2-135m" && p.Source != engine.SourceMeasured {
			t.Errorf("row still %s after measuring", p.Label())
		}
	}
	if !strings.Contains(s.progressTx.Text, "90.0 tok/s") {
		t.Errorf("progress line %q", s.progressTx.Text)
	}
	// A quant without twins cannot be measured, and says why.
	s.quantSel.SetSelected("BF16")
	if ok, why := s.measurable(s.rows[0]); ok || !strings.Contains(why, "twin") {
		t.Errorf("BF16 measurable=%v (%s)", ok, why)
	}
}

// TestCompareSaysAnUnevenMeasurement taps a row's measure button in the laid-out table; the
// twin's tokens came with a tail (mean 0.6 of the median token's rate), and the line under the
// table says so as a warning, as bench and the Live run do.
func TestCompareSaysAnUnevenMeasurement(t *testing.T) {
	f, _, s := measureAnUnevenRow(t, fyne.NewSize(1400, 800))
	if len(f.saved) != 1 {
		t.Fatalf("the measurement was not added to the calibration: %v", f.saved)
	}
	if got := s.progressTx.Text; !strings.Contains(got, "60.0 tok/s") || !strings.Contains(got, "Uneven run: its mean speed was 0.60 of its median token's rate (100.0 tok/s)") {
		t.Errorf("line after measuring: %q", got)
	}
	if s.progressTx.Importance != widget.WarningImportance {
		t.Errorf("an uneven measurement is shown with importance %v, want a warning", s.progressTx.Importance)
	}
}

// measureAnUnevenRow shows Compare's table in a window of size and taps the first row's
// measure button; the fake twin's tokens come with a tail (mean 0.6 of the median token's rate).
func measureAnUnevenRow(t *testing.T, size fyne.Size) (*fakeCompare, *App, *compareScreen) {
	t.Helper()
	f := &fakeCompare{bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
		return engine.Measurement{ModelID: id, Quant: q, Params: 134_515_008, Context: 4096, GenTPS: 60, GenTokens: 32,
			TokenMsP50: 10, TokenMsP95: 35, PromptTPS: 600, PromptTokens: prompt, TTFTMs: 210, PeakRSSBytes: 200 << 20,
			Twin: true, When: time.Now()}, nil
	}}
	a, s := compareFor(t, f)
	a.win.SetContent(s.view)
	a.win.Resize(size)
	s.tabs.SelectIndex(tabTable)
	run := firstRowMeasureButton(t, s)
	if run == nil {
		t.Fatal("no row of the table has a measure button to tap")
	}
	test.Tap(run)
	drainUI()
	return f, a, s
}

// firstRowMeasureButton is the first enabled measure button among the table's drawn cells
// (newCell: a label, then the button); nil when there is none. The table makes its cells when
// its renderer refreshes, which a window on a real screen does as it draws.
func firstRowMeasureButton(t *testing.T, s *compareScreen) *widget.Button {
	t.Helper()
	for _, obj := range test.LaidOutObjects(s.table) {
		cells, ok := obj.(fyne.Widget)
		if !ok || fmt.Sprintf("%T", obj) != "*widget.tableCells" {
			continue
		}
		r := test.WidgetRenderer(cells)
		r.Refresh()
		for _, o := range r.Objects() {
			c, ok := o.(*fyne.Container)
			if !ok || len(c.Objects) != 2 {
				continue
			}
			_, isLabel := c.Objects[0].(*widget.Label)
			if b, isButton := c.Objects[1].(*widget.Button); isLabel && isButton && b.Visible() && !b.Disabled() {
				return b
			}
		}
	}
	return nil
}

// TestCompareMeasuredSentenceHasARowOfItsOwn measures a row through its button at classroom
// size: the long sentence after it wraps across the window's width, under the controls, and
// the screen still fits the window (between the controls it stood 590 px tall and grew it).
// The progress bar of a running measurement, with Cancel, has the width too (between them it
// had none, and Cancel pushed the row past the window's edge).
func TestCompareMeasuredSentenceHasARowOfItsOwn(t *testing.T) {
	_, a, s := measureAnUnevenRow(t, goldenSize)
	a.win.Resize(goldenSize.AddWidthHeight(0, 1)) // lays the wrapped sentence out at the window's width
	a.win.Resize(goldenSize)
	if !strings.Contains(s.progressTx.Text, "Uneven run") {
		t.Fatalf("line after measuring: %q", s.progressTx.Text)
	}
	if w, full := s.progressTx.Size().Width, s.view.Size().Width; w < 0.9*full {
		t.Errorf("the sentence after measuring is %v px wide in a %v px screen: it should have a row of its own", w, full)
	}
	if h := a.win.Content().MinSize().Height; h > goldenSize.Height-8 {
		t.Errorf("Compare after measuring needs %v pixels of height, more than a %v window has", h, goldenSize)
	}
	// While a measurement runs, its progress bar is on show across the screen too.
	s.startBusy("Measuring the SmolLM2-135M Q4_0 twin…")
	a.win.Resize(goldenSize.AddWidthHeight(0, 1))
	a.win.Resize(goldenSize)
	if s.progressTx.Importance != widget.MediumImportance {
		t.Errorf("a new measurement's sentence keeps the last one's importance %v", s.progressTx.Importance)
	}
	if w, full := s.progress.Size().Width, s.view.Size().Width; !s.busyRow.Visible() || !s.cancelBtn.Visible() || w < 0.7*full {
		t.Errorf("the progress bar while measuring is %v px wide in a %v px screen (shown: %v, Cancel: %v)", w, full, s.busyRow.Visible(), s.cancelBtn.Visible())
	}
	if min := a.win.Content().MinSize(); min.Height > goldenSize.Height-8 || min.Width > goldenSize.Width {
		t.Errorf("Compare while measuring needs %v, more than a %v window has", min, goldenSize)
	}
	s.endBusy("", widget.MediumImportance)
}

// TestCompareMeasuredRowSaysWhatItsRowShows measures a row: the run decodes after the table's
// prompt, and the line under the table gives the run's own speed (32 tokens) and then the
// figure its row shows (moved to the middle of the table's 128 tokens), the same figure the
// table shows.
func TestCompareMeasuredRowSaysWhatItsRowShows(t *testing.T) {
	var asked int
	f := &fakeCompare{cal: fixtureCalibration(t), bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
		asked = prompt
		return engine.Measurement{ModelID: id, Quant: q, Params: 134_515_008, Context: 2048, Device: "cpu", Threads: 2, GenTPS: 90, GenTokens: 32, PromptTPS: 600,
			PromptTokens: prompt, TTFTMs: 850, PeakRSSBytes: 200 << 20, Twin: true, When: time.Now()}, nil
	}}
	_, s := compareFor(t, f)
	s.quantSel.SetSelected("Q8_0")
	row := rowOf(t, s, "smollm2-135m")
	s.onMeasureRow(row)
	if asked != engine.DefaultPromptTokens || row.PromptTokens != engine.DefaultPromptTokens {
		t.Errorf("the twin was measured after a %d-token prompt; the table's row is at %d", asked, row.PromptTokens)
	}
	after := rowOf(t, s, "smollm2-135m")
	if after.Source != engine.SourceMeasured {
		t.Fatalf("row still %s after measuring", after.Label())
	}
	got := s.progressTx.Text
	want := fmt.Sprintf("Its row shows %s: the table reads speed over 128 generated tokens, and this run's 32 are moved there", units.TokPerSec(after.DecodeTPS))
	if after.DecodeTPS >= 90 || after.DecodeTPS < 80 {
		t.Errorf("the row shows %.1f tok/s: a run moved to a later position is a little slower than its 90.0", after.DecodeTPS)
	}
	if !strings.Contains(got, "after a 512-token prompt: 90.0 tok/s generation") || !strings.Contains(got, want) {
		t.Errorf("line after measuring: %q\nwant the run's 90.0 tok/s and %q", got, want)
	}
}

// rowOf is the table's row of model id.
func rowOf(t *testing.T, s *compareScreen, id string) engine.Projection {
	t.Helper()
	for _, p := range s.rows {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no row of %s", id)
	return engine.Projection{}
}

// A ▶ run outside its row's band runs the pace check, and the line says what it found: a
// machine slower than its calibration keeps the run out of the calibration; one at its
// calibrated pace lets it in, and the projection is said to have missed. A run inside its
// band checks nothing.
func TestCompareRowOutsideItsBandChecksThePace(t *testing.T) {
	for _, c := range []struct {
		name      string
		factor    float64 // the run's speed over the row's band's low end
		verdict   string
		checked   bool
		measured  bool // the row shows the run afterwards
		wantWords []string
	}{
		{"slower machine", 0.4, engine.PaceSlower, true, false,
			[]string{"That is outside its projected band (", "the machine is slower", "This run was not added to the calibration.", "Your guess was not scored"}},
		{"projection missed", 0.4, engine.PaceSame, true, true,
			[]string{"That is outside its projected band (", "So the projection itself missed: this run now joins the calibration", "Predict, then measure"}},
		{"inside its band", 1.05, engine.PaceSame, false, true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var checked int
			var tps float64
			f := &fakeCompare{cal: fixtureCalibration(t),
				bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
					return engine.Measurement{ModelID: id, Quant: q, Params: 134_515_008, Context: 2048, Device: "cpu", Threads: 2, GenTPS: tps, GenTokens: 32, PromptTPS: 600,
						PromptTokens: prompt, TTFTMs: 850, PeakRSSBytes: 200 << 20, Twin: true, When: time.Now()}, nil
				},
				pace: func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) {
					checked++
					return engine.PaceCheck{Verdict: c.verdict, Why: "(the machine is " + c.verdict + ")"}, nil
				}}
			a, s := compareFor(t, f)
			dir := t.TempDir()
			a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
			s.quantSel.SetSelected("Q8_0")
			row := projectedRow(t, s)
			test.Type(s.guess.entry, "50")
			tps = c.factor * row.DecodeTPSLow
			s.onMeasureRow(row)
			got := s.progressTx.Text
			if (checked > 0) != c.checked {
				t.Errorf("pace checked %d times, want checked %v; line %q", checked, c.checked, got)
			}
			if after := rowOf(t, s, row.ID); (after.Source == engine.SourceMeasured) != c.measured {
				t.Errorf("the row is %s after the run, want measured %v; line %q", after.Label(), c.measured, got)
			}
			for _, w := range c.wantWords {
				if !strings.Contains(got, w) {
					t.Errorf("line %q\nwant %q", got, w)
				}
			}
			if !c.checked && strings.Contains(got, "outside its projected band") {
				t.Errorf("line %q speaks of a band the run was inside", got)
			}
			if scored := len(a.lessonState().store.Predictions()); scored != map[bool]int{true: 0, false: 1}[c.verdict == engine.PaceSlower] {
				t.Errorf("%d guesses kept in the prediction record; line %q", scored, got)
			}
		})
	}
}

// projectedRow is the table's first row projected with a band (not measured here).
func projectedRow(t *testing.T, s *compareScreen) engine.Projection {
	t.Helper()
	for _, p := range s.rows {
		if p.Source == engine.SourceProjected && p.DecodeTPSLow > 0 && p.DecodeTPSLow < p.DecodeTPSHigh {
			return p
		}
	}
	t.Fatalf("no projected row among %d", len(s.rows))
	return engine.Projection{}
}
