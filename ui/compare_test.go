package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/engine/estimate"
	"slmscope/engine/estimate/estimatetest"
	"slmscope/engine/table"
	"slmscope/hwprobe"
	"slmscope/lessons"
	"slmscope/ui/internal/uitest"
)

// fakeCompare is a canned machine and calibration for the Compare screen.
type fakeCompare struct {
	mu        sync.Mutex
	cal       engine.Calibration // what loadCal returns (no measurements = ErrNoCalibration)
	saved     []engine.Calibration
	opened    []*url.URL
	calibrate func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error)
	bench     func(ctx context.Context, id string, q engine.Quant, prompt int, progress func(float64, string)) (engine.Measurement, error)
	pace      func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) // nil: no pace check
}

func fakeReport() *hwprobe.Report {
	return &hwprobe.Report{OS: "linux", Arch: "amd64",
		CPU:       hwprobe.CPU{Model: "Test CPU", PhysicalCores: 2, LogicalCores: 2, Source: "fake"},
		RAM:       hwprobe.RAM{TotalBytes: 16 * testGiB, AvailableBytes: 12 * testGiB, Source: "fake"},
		Bandwidth: hwprobe.Bandwidth{ReadGBps: 13.4, TriadGBps: 12, Threads: 2, Source: "fake"}}
}

func (f *fakeCompare) source() compareSource {
	return compareSource{
		probe: func(context.Context) (*hwprobe.Report, error) { return fakeReport(), nil },
		loadCal: func(key string) (engine.Calibration, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.cal.Measurements) == 0 {
				return engine.Calibration{}, estimate.ErrNoCalibration
			}
			c := f.cal
			c.Key = key
			return c, nil
		},
		saveCal: func(c engine.Calibration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.saved = append(f.saved, c)
			return nil
		},
		prices: func() (engine.PriceTable, error) { return engine.DefaultPrices(), nil },
		calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
			return f.calibrate(ctx, o)
		},
		bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
			return f.bench(ctx, id, q, prompt, p)
		},
		pace: func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) {
			if f.pace == nil {
				return engine.PaceCheck{}, errors.New("no pace check in this test")
			}
			return f.pace(ctx, progress)
		},
		openURL: func(u *url.URL) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.opened = append(f.opened, u)
			return nil
		},
	}
}

// fixtureCalibration is a real calibration of the development machine (engine/table/testdata).
func fixtureCalibration(t *testing.T) engine.Calibration {
	return estimatetest.Calibration(t, "../engine/table/testdata/calibration.json")
}

// compareFor builds the screen with work run inline (spawn calls the job directly), so every
// result is on screen when the call returns.
func compareFor(t *testing.T, f *fakeCompare) (*App, *compareScreen) {
	t.Helper()
	fa := newTestApp(t)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	s := newCompareScreenWith(a, f.source(), func(job func()) { job() })
	t.Cleanup(s.stop)
	return a, s
}

func TestCompareEmptyState(t *testing.T) {
	_, s := compareFor(t, &fakeCompare{})
	if s.status.Text != engine.EmptyStateText {
		t.Errorf("status %q, want the empty state", s.status.Text)
	}
	if len(s.rows) == 0 {
		t.Fatal("no rows before calibration: projections should use the bandwidth alone")
	}
	for _, p := range s.rows {
		if p.Source != estimate.SourceProjected || p.Calibrated {
			t.Errorf("%s %s: %s before anything was measured", p.ID, p.Quant, p.Label())
		}
	}
	if !strings.Contains(s.machineTxt.Text, "13.4 GB/s") {
		t.Errorf("machine line %q does not say the measured bandwidth", s.machineTxt.Text)
	}
	if s.measureBtn.Disabled() {
		t.Error("Measure this machine is disabled")
	}
}

// headerCell finds the table header whose title (after a sort arrow) starts with prefix: its
// button and title.
func headerCell(t *testing.T, o fyne.CanvasObject, prefix string) (*widget.Button, *widget.Label) {
	t.Helper()
	var texts []string
	for _, obj := range test.LaidOutObjects(o) {
		c, ok := obj.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			continue
		}
		b, isButton := c.Objects[0].(*widget.Button)
		l, isLabel := c.Objects[1].(*widget.Label)
		if !isButton || !isLabel {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(l.Text, "▲▼ "), prefix) {
			return b, l
		}
		texts = append(texts, l.Text)
	}
	t.Fatalf("no header %q among %q", prefix, texts)
	return nil, nil
}

func TestCompareSortsByTappedColumn(t *testing.T) {
	a, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	a.win.SetContent(s.view)
	a.win.Resize(fyne.NewSize(1400, 800))
	s.tabs.SelectIndex(tabTable)
	if !strings.HasPrefix(s.status.Text, "Last measured:") {
		t.Errorf("status %q, want when it was last measured", s.status.Text)
	}
	tests := []struct {
		header string
		col    engine.Column
		desc   bool
	}{
		{"Tok/s", table.ColSpeed, false},
		{"Tok/s", table.ColSpeed, true},
		{"Memory", table.ColMemory, false},
	}
	for _, tc := range tests {
		b, _ := headerCell(t, s.view, tc.header)
		test.Tap(b)
		if s.sortCol != tc.col || s.sortDesc != tc.desc {
			t.Fatalf("after tapping %q: sorted by %d desc=%v", tc.header, s.sortCol, s.sortDesc)
		}
		for i := 1; i < len(s.rows); i++ {
			a, _ := engine.SortKey(s.rows[i-1], tc.col)
			b, _ := engine.SortKey(s.rows[i], tc.col)
			if (!tc.desc && a > b) || (tc.desc && a < b) {
				t.Fatalf("%s desc=%v: row %d (%v) before row %d (%v)", tc.header, tc.desc, i-1, a, i, b)
			}
		}
		if _, l := headerCell(t, s.view, tc.header); !strings.HasPrefix(l.Text, map[bool]string{false: "▲", true: "▼"}[tc.desc]) {
			t.Errorf("header %q does not show the sort direction", tc.header)
		}
	}
}

func TestCompareContextChangesMemory(t *testing.T) {
	_, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	s.quantSel.SetSelected("Q8_0")
	s.ctxSel.SetSelected("2048")
	before := map[string]engine.Projection{}
	for _, p := range s.rows {
		before[p.ID] = p
	}
	s.ctxSel.SetSelected("32768")
	if len(s.rows) != len(before) {
		t.Fatalf("%d rows after the context change, %d before", len(s.rows), len(before))
	}
	for _, p := range s.rows {
		b := before[p.ID]
		m, _ := engine.CatalogModelByID(p.ID)
		// A context past what the model was trained for is capped there, as llama.cpp caps it.
		if p.Context != min(32768, m.Context) || p.Memory.KVBytes <= b.Memory.KVBytes || p.MemoryBytes <= b.MemoryBytes {
			t.Errorf("%s: context %d, KV %d → %d, memory %d → %d", p.ID, p.Context, b.Memory.KVBytes, p.Memory.KVBytes, b.MemoryBytes, p.MemoryBytes)
		}
		if table.MemoryText(p) == table.MemoryText(b) {
			t.Errorf("%s: memory cell unchanged: %q", p.ID, table.MemoryText(p))
		}
	}
	if got := s.a.fyne.Preferences().Int(prefCompareContext); got != 32768 {
		t.Errorf("context remembered as %d", got)
	}
}

func TestCompareCostSettingsRememberedAndApplied(t *testing.T) {
	_, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	cost := func() float64 {
		for _, p := range s.rows {
			if p.Fits && p.Cost.TotalPerMTok > 0 {
				return p.Cost.TotalPerMTok
			}
		}
		t.Fatal("no row with a cost")
		return 0
	}
	base := cost()
	s.kwh.SetText("0.60")
	if got := cost(); got < 1.9*base || got > 2.1*base {
		t.Errorf("doubling the electricity price: cost %.4f → %.4f", base, got)
	}
	if v := s.a.fyne.Preferences().Float(prefCompareKWh); v != 0.6 {
		t.Errorf("price per kWh remembered as %v", v)
	}
	s.kwh.SetText("abc")
	if !strings.Contains(s.costNote.Text, "electricity price") {
		t.Errorf("bad input not reported: %q", s.costNote.Text)
	}
	s.tabs.SelectIndex(tabCost) // filled when shown
	if len(s.priceBox.Objects) < 2 {
		t.Error("API price table not shown")
	}
}

func TestCompareMeasureThisMachine(t *testing.T) {
	fixture := fixtureCalibration(t)
	var steps []string
	f := &fakeCompare{calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
		if o.Budget != 90*time.Second || o.Key == "" {
			t.Errorf("budget %v key %q", o.Budget, o.Key)
		}
		o.Progress(1, 2, "Measuring SmolLM2-135M Q8_0…", 0.5)
		steps = append(steps, "progress")
		c := fixture
		c.Key = o.Key
		return c, nil
	}}
	_, s := compareFor(t, f)
	test.Tap(s.measureBtn)
	if len(f.saved) != 1 || len(f.saved[0].Measurements) != len(fixture.Measurements) {
		t.Fatalf("saved %d calibrations", len(f.saved))
	}
	if !strings.HasPrefix(s.status.Text, "Last measured:") || s.busy || !s.busyRow.Hidden {
		t.Errorf("after measuring: status %q busy %v", s.status.Text, s.busy)
	}
	if len(s.data.Validation.Models) == 0 {
		t.Error("no leave-one-out validation after calibration")
	}
	measured := 0
	for _, p := range s.rows {
		if p.Source == engine.SourceMeasured {
			measured++
		}
	}
	if measured == 0 {
		t.Error("no measured rows after calibration")
	}
}

// After a calibration the sentence under the bar counts the twins just measured and the
// earlier runs the saved calibration kept, so it agrees with the status line's total.
func TestCompareMeasuredSentenceCountsKeptRuns(t *testing.T) {
	fixture := fixtureCalibration(t)
	f := &fakeCompare{cal: fixture, calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
		return engine.Calibration{Key: o.Key, When: time.Now(), Machine: o.Machine, Measurements: slices.Clone(fixture.Measurements[:3])}, nil
	}}
	_, s := compareFor(t, f)
	test.Tap(s.measureBtn)
	total := len(fixture.Measurements)
	want := fmt.Sprintf("Measured 3 twins; saved with %d earlier runs of other twins kept (%d in all).", total-3, total)
	if s.progressTx.Text != want {
		t.Errorf("after measuring: %q, want %q", s.progressTx.Text, want)
	}
	if !strings.Contains(s.status.Text, fmt.Sprintf("%d twins on this machine", total)) {
		t.Errorf("status %q does not count the %d twins saved", s.status.Text, total)
	}
}

func TestCompareCancelKeepsPartialResults(t *testing.T) {
	fixture := fixtureCalibration(t)
	started := make(chan struct{})
	f := &fakeCompare{calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
		close(started)
		<-ctx.Done()
		c := engine.Calibration{Key: o.Key, When: time.Now(), Machine: o.Machine, Measurements: fixture.Measurements[:1]}
		return c, ctx.Err()
	}}
	fa := newTestApp(t)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	var wg sync.WaitGroup
	s := newCompareScreenWith(a, f.source(), func(job func()) {
		wg.Add(1)
		go func() { defer wg.Done(); job() }()
	})
	t.Cleanup(s.stop)
	waitFor(t, "the machine to load", 5*time.Second, func() bool { return !s.measureBtn.Disabled() })
	test.Tap(s.measureBtn)
	<-started
	test.Tap(s.cancelBtn)
	waitFor(t, "the partial calibration", 5*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.saved) == 1
	})
	wg.Wait()
	drainUI()
	if !strings.Contains(s.progressTx.Text, "Cancelled") || !strings.HasPrefix(s.status.Text, "Last measured:") {
		t.Errorf("after cancel: progress %q, status %q", s.progressTx.Text, s.status.Text)
	}
}

func TestCompareOpenInBrowserWritesReport(t *testing.T) {
	f := &fakeCompare{cal: fixtureCalibration(t)}
	_, s := compareFor(t, f)
	test.Tap(s.browserBtn)
	if len(f.opened) != 1 || f.opened[0].Scheme != "file" {
		t.Fatalf("opened %v (status %q)", f.opened, s.progressTx.Text)
	}
	path := f.opened[0].Path
	t.Cleanup(func() { os.Remove(path) })
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "How each number was obtained") {
		t.Errorf("the file is not the report (%d bytes)", len(b))
	}
}

// TestCompareChartsRenderNatively draws the report's real charts with the native renderer.
func TestCompareChartsRenderNatively(t *testing.T) {
	a, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	a.win.SetContent(s.view)
	s.tabs.SelectIndex(tabCharts) // charts are drawn when their tab is shown
	want := engine.ReportCharts(s.data)
	if len(s.charts) != len(want) {
		t.Fatalf("%d chart views, want %d", len(s.charts), len(want))
	}
	for i, v := range s.charts {
		if v.Chart().ID != want[i].ID || v.Chart().PointCount() == 0 {
			t.Errorf("chart %d: %q with %d points", i, v.Chart().ID, v.Chart().PointCount())
		}
		w := test.NewTempWindow(t, v)
		w.Resize(fyne.NewSize(700, 420))
		objs := test.WidgetRenderer(v).Objects()
		if !uitest.HasText(objs, want[i].Title) || uitest.Count[*canvas.Line](objs) < 5 {
			t.Errorf("chart %q did not render (texts %q)", want[i].Title, uitest.RenderedTexts(objs))
		}
	}
}

func TestFileURL(t *testing.T) {
	u := fileURL("/tmp/a b/report.html")
	if u.String() != "file:///tmp/a%20b/report.html" {
		t.Errorf("fileURL = %s", u)
	}
}

// TestCompareMeasureRowScoresGuess: a guess typed before ▶ is scored against the row's
// projection and the measurement, and kept in the prediction record.
func TestCompareMeasureRowScoresGuess(t *testing.T) {
	f := &fakeCompare{bench: func(ctx context.Context, id string, q engine.Quant, prompt int, p func(float64, string)) (engine.Measurement, error) {
		return engine.Measurement{ModelID: id, Quant: q, Params: 134_515_008, Context: 4096, GenTPS: 90, PromptTPS: 600,
			PromptTokens: prompt, TTFTMs: 210, PeakRSSBytes: 200 << 20, Twin: true, When: time.Now()}, nil
	}}
	a, s := compareFor(t, f)
	dir := t.TempDir()
	a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
	var row engine.Projection
	for _, p := range s.rows {
		if p.ID == "smollm2-135m" && p.Quant == "Q8_0" {
			row = p
		}
	}
	test.Type(s.guess.entry, "abc")
	s.onMeasureRow(row)
	if !strings.Contains(s.progressTx.Text, "Your guess") || len(f.saved) != 0 {
		t.Fatalf("a guess that is not a speed started a run: %q", s.progressTx.Text)
	}
	s.guess.entry.SetText("")
	test.Type(s.guess.entry, "50")
	s.onMeasureRow(row)
	if !strings.Contains(s.progressTx.Text, "Predict, then measure") {
		t.Errorf("progress line %q does not score the guess", s.progressTx.Text)
	}
	if got := a.lessonState().store.Predictions(); len(got) != 1 || got[0].Guess != 50 || got[0].MeasuredTPS != 90 || got[0].ProjectedTPS != row.DecodeTPS {
		t.Errorf("prediction record %+v", got)
	}
}

// A calibration saved before the ladder measured MXFP4 and the K-quants (the fixture, from
// 2026-11-24) says so on the machine line, and measuring the whole ladder drops the sentence.
func TestCompareSaysWhatTheCalibrationDidNotMeasure(t *testing.T) {
	fixture := fixtureCalibration(t)
	f := &fakeCompare{cal: fixture, calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
		c := fixture
		c.Key = o.Key
		c.Measurements = slices.Clone(fixture.Measurements)
		for _, st := range engine.DefaultLadder {
			c.Measurements = append(c.Measurements, engine.Measurement{ModelID: st.ModelID, Quant: st.Quant, Device: "cpu", GenTPS: 60, TokenMsP50: 16, Context: 2048})
		}
		return c, nil
	}}
	_, s := compareFor(t, f)
	for _, want := range []string{"This calibration has no run of ", "MXFP4, Q3_K, Q4_K (repacked)", "which `slmscope calibrate` measures"} {
		if !strings.Contains(s.machineTxt.Text, want) {
			t.Fatalf("machine line %q lacks %q", s.machineTxt.Text, want)
		}
	}
	test.Tap(s.measureBtn)
	if strings.Contains(s.machineTxt.Text, "has no run of") {
		t.Errorf("after measuring the ladder, machine line %q", s.machineTxt.Text)
	}
}

// TestValidationCountsRunsAndTwins: when one twin ran at two prompts, the Validation tab counts
// runs and twins apart ("7 runs of 6 twins"), as the calibration's "Measured 6 twins" counts
// twins: one fact, one figure on every screen.
func TestValidationCountsRunsAndTwins(t *testing.T) {
	cal := fixtureCalibration(t)
	again := cal.Measurements[0]
	again.PromptTokens *= 8
	cal.Measurements = append(cal.Measurements, again)
	_, s := compareFor(t, &fakeCompare{cal: cal})
	s.tabs.SelectIndex(tabValidation)
	waitFor(t, "the Validation tab", 10*time.Second, func() bool { return len(s.validation.Objects) > 0 })
	head, ok := s.validation.Objects[0].(*widget.Label)
	if !ok {
		t.Fatalf("the Validation tab starts with %T", s.validation.Objects[0])
	}
	want := fmt.Sprintf("over %d runs of %d twins.", len(cal.Measurements), len(cal.Measurements)-1)
	if !strings.Contains(head.Text, want) {
		t.Errorf("Validation head %q\nwant %q", head.Text, want)
	}
}
