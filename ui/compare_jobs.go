package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// compareSource is where the Compare screen gets the machine, calibration and measurements;
// tests swap in fakes so no probe or long calibration runs.
type compareSource struct {
	probe     func(ctx context.Context) (*hwprobe.Report, error)
	loadCal   func(key string) (engine.Calibration, error)
	saveCal   func(engine.Calibration) error // tests; nil: the machine hub's merging save
	prices    func() (engine.PriceTable, error)
	calibrate func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error)
	// bench measures one catalog twin (ID and quant) after a prompt of that many tokens and
	// reports progress sentences.
	bench func(ctx context.Context, id string, q engine.Quant, prompt int, progress func(frac float64, msg string)) (engine.Measurement, error)
	// pace runs the calibration's reference twin again (engine.CheckPace) after a row
	// measured outside its band; nil skips the check.
	pace paceFunc
	// openURL hands a file:// URL to the OS browser.
	openURL func(*url.URL) error
}

func realCompareSource(a *App) compareSource {
	workers := a.session.Options
	return compareSource{
		probe: func(ctx context.Context) (*hwprobe.Report, error) { return hwprobe.Probe(ctx, hwprobe.Options{}) },
		loadCal: func(key string) (engine.Calibration, error) {
			path, err := engine.CalibrationCachePath()
			if err != nil {
				return engine.Calibration{}, err
			}
			return engine.LoadCalibration(path, key)
		},
		prices: engine.LoadPriceTable,
		calibrate: func(ctx context.Context, o engine.CalibrateOptions) (engine.Calibration, error) {
			o.Worker = workers
			state, _ := a.machine.Current()
			return engine.CalibrateOn(ctx, state, o)
		},
		bench: func(ctx context.Context, id string, q engine.Quant, prompt int, progress func(float64, string)) (engine.Measurement, error) {
			return benchTwin(ctx, a, id, q, prompt, progress)
		},
		pace:    realPace(a),
		openURL: a.fyne.OpenURL,
	}
}

// benchTwin writes (or reuses) a catalog twin and measures it the way the calibration does, on
// its thread count (engine.MeasureRequest.JoinsCalibration), since the run joins it. It decodes
// after a prompt of prompt tokens, the table's: the row then shows the run where it was
// measured instead of moved there by the fitted cost of the positions between, its time to
// first token is measured too, and a learner's guess is judged at the position it was made for.
func benchTwin(ctx context.Context, a *App, id string, q engine.Quant, prompt int, progress func(float64, string)) (engine.Measurement, error) {
	workers := a.session.Options
	ref, err := engine.ParseModelRef("twin:"+id, string(q))
	if err != nil {
		return engine.Measurement{}, err
	}
	state, _ := a.machine.Current()
	cache, err := engine.NewTwinCache(state)
	if err != nil {
		return engine.Measurement{}, err
	}
	m, err := engine.MeasureAndRecord(ctx, engine.MeasureRequest{Model: ref, Cache: cache, Origin: engine.OriginCompare, Machine: state, Project: true,
		Writing: func(done, total int64) {
			progress(0.5*float64(done)/float64(max(total, 1)), fmt.Sprintf("Writing the %s twin (%.0f%%)…", ref.Label, 100*float64(done)/float64(max(total, 1))))
		},
		Resolved: func(engine.ModelRef) { progress(0.5, "Measuring "+ref.Label+" ("+units.TwinDisclaimer+")…") },
		Bench: engine.BenchOptions{PromptTokens: prompt, GenTokens: 32, Repeat: 1, Worker: workers,
			Progress: func(msg string) { progress(0.75, msg) }}, JoinsCalibration: true})
	if err != nil {
		return engine.Measurement{}, err
	}
	res := m.Result // a failed record is best effort: the measurement stands
	if s := res.Interference.Sentence(); s != "" {
		// the history keeps the run, marked; the calibration never fits on it
		return engine.Measurement{}, errors.New(s)
	}
	return engine.MeasurementFromBench(id, res, m.Model), nil
}

// compareLoadJob reads the prices and makes sure the app's machine is loaded (probe and
// calibration, through the compare source); the screen sees the machine through its observer.
type compareLoadJob struct{ s *compareScreen }

func (j *compareLoadJob) run() {
	src := j.s.src
	_, loadErr := j.s.a.machine.LoadOnce(j.s.ctx, engine.MachineOptions{
		Probe:           func(ctx context.Context, _ hwprobe.Options) (*hwprobe.Report, error) { return src.probe(ctx) },
		LoadCalibration: func(_, key string) (engine.Calibration, error) { return src.loadCal(key) },
	})
	var notes []string
	prices, perr := src.prices()
	if perr != nil {
		notes = append(notes, "API prices: "+perr.Error())
	}
	if len(prices.Prices) == 0 {
		prices = engine.DefaultPrices()
	}
	if j.s.ctx.Err() != nil {
		return
	}
	j.s.a.do(func() { j.s.applyLoaded(prices, notes, loadErr) })
}

// observeMachine shows every new machine state on the Compare screen.
func (s *compareScreen) observeMachine() {
	stop := s.a.observeMachine(s.applyMachine)
	go func() {
		<-s.ctx.Done()
		stop()
	}()
}

// compareProjectJob recomputes the projections off the UI goroutine.
type compareProjectJob struct {
	s     *compareScreen
	gen   int
	in    engine.ReportInput
	state engine.MachineState // the machine the Run buttons are judged on
}

func (j *compareProjectJob) run() {
	d := engine.ComputeReport(j.in)
	can := make(map[engine.ModelKey]measureVerdict, len(d.Projections))
	for _, p := range d.Projections {
		ok, why := measurableOn(j.state, p)
		can[p.Key()] = measureVerdict{ok, why}
	}
	if j.s.ctx.Err() != nil {
		return
	}
	j.s.a.do(func() { j.s.applyData(j.gen, d, can) })
}

// throttle passes at most one progress update per interval to the UI (the last one wins).
type throttle struct {
	mu    sync.Mutex
	last  time.Time
	every time.Duration
}

func (t *throttle) ok() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if time.Since(t.last) < t.every {
		return false
	}
	t.last = time.Now()
	return true
}

// compareCalibrateJob runs "Measure this machine" and keeps partial results on cancel.
type compareCalibrateJob struct {
	s      *compareScreen
	ctx    context.Context
	spec   engine.MachineSpec
	key    string
	budget time.Duration
}

func (j *compareCalibrateJob) run() {
	th := &throttle{every: 50 * time.Millisecond}
	cal, err := j.s.src.calibrate(j.ctx, engine.CalibrateOptions{
		Budget: j.budget, Machine: j.spec, Key: j.key,
		Progress: func(step, steps int, msg string, frac float64) {
			if th.ok() {
				j.s.a.do(func() { j.s.showProgress(frac, fmt.Sprintf("Step %d of %d: %s", step, steps, msg)) })
			}
		},
	})
	cancelled := errors.Is(err, context.Canceled)
	if err != nil && !cancelled {
		j.s.a.do(func() { j.s.endBusy("Measuring stopped: "+err.Error(), widget.DangerImportance) })
		return
	}
	if len(cal.Measurements) == 0 {
		j.s.a.do(func() {
			j.s.endBusy("Cancelled before any twin was measured: nothing changed.", widget.WarningImportance)
		})
		return
	}
	merged, serr := j.s.a.machine.AddCalibration(cal) // merged by estimate's one rule; observers recompute
	kept := keptNote(len(cal.Measurements), len(merged.Calibration.Measurements))
	msg := "Measured " + units.Count(cal.Twins(), "twin") + kept
	if cancelled {
		msg = "Cancelled: kept the " + units.Count(cal.Twins(), "twin") + " measured so far" + kept
	}
	deliverMeasured(j.s, msg, false, serr, " They could not be saved for next time: ")
}

// keptNote ends the sentence after a calibration of fresh runs saved as total: the status
// line counts every twin the saved calibration holds, so the earlier runs it kept are said,
// as `slmscope calibrate` says them, rather than two counts side by side unexplained.
func keptNote(fresh, total int) string {
	if total <= fresh {
		return "."
	}
	return fmt.Sprintf("; saved with %s of other twins kept (%d in all).", units.Count(total-fresh, "earlier run"), total)
}

// deliverMeasured shows how a measurement ended; a failed save is said, not hidden. The new
// figures reach every screen through the machine's observers.
func deliverMeasured(s *compareScreen, msg string, uneven bool, saveErr error, saveMsg string) {
	imp := widget.SuccessImportance
	if uneven {
		imp = widget.WarningImportance
	}
	if saveErr != nil {
		msg += saveMsg + saveErr.Error()
		imp = widget.WarningImportance
	}
	s.a.do(func() { s.endBusy(msg, imp) })
}

// compareReportJob writes the HTML report to a writer, or to a temporary file it then opens
// in the OS browser.
type compareReportJob struct {
	s       *compareScreen
	in      engine.ReportInput
	w       io.WriteCloser // export: the file the user chose
	where   string
	browser bool
}

func (j *compareReportJob) run() {
	if !j.browser {
		err := engine.WriteReport(j.w, j.in)
		if cerr := j.w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("cannot finish writing the report: %w", cerr)
		}
		j.s.a.do(func() {
			if err != nil {
				j.s.reportDone("The report could not be written: "+err.Error(), widget.DangerImportance)
				return
			}
			j.s.reportDone("Report written to "+j.where+" — open it in any browser; it works offline.", widget.SuccessImportance)
		})
		return
	}
	path, err := writeTempReport(j.in)
	j.s.a.do(func() {
		if err != nil {
			j.s.reportDone("The report could not be written: "+err.Error(), widget.DangerImportance)
			return
		}
		if oerr := j.s.src.openURL(fileURL(path)); oerr != nil {
			j.s.reportDone(fmt.Sprintf("Report written to %s, but the browser could not be opened (%v): open the file yourself.", path, oerr), widget.WarningImportance)
			return
		}
		j.s.reportDone("Opened the report in your browser ("+path+").", widget.SuccessImportance)
	})
}

// writeTempReport writes the report to a new file in the temporary folder.
func writeTempReport(in engine.ReportInput) (string, error) {
	f, err := os.CreateTemp("", "slmscope-report-*.html")
	if err != nil {
		return "", fmt.Errorf("cannot create a temporary file: %w", err)
	}
	_ = f.Chmod(0o644)
	if err := engine.WriteReport(f, in); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("cannot finish writing %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// fileURL is the file:// URL of a local path ("file:///C:/..." on Windows).
func fileURL(path string) *url.URL {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

// onExport asks where to save the report, then writes it off the UI goroutine.
func (s *compareScreen) onExport() {
	onErr := func(err error) { s.reportDone("Cannot save there: "+err.Error(), widget.DangerImportance) }
	s.a.saveFileDialog("slmscope-report.html", storage.NewExtensionFileFilter([]string{".html"}), onErr, func(w fyne.URIWriteCloser) {
		s.startReport()
		job := &compareReportJob{s: s, in: s.input(), w: w, where: w.URI().Path()}
		s.spawn(job.run)
	})
}

// onOpenBrowser writes the report to a temporary file and opens it with the OS browser.
func (s *compareScreen) onOpenBrowser() {
	s.startReport()
	job := &compareReportJob{s: s, in: s.input(), browser: true}
	s.spawn(job.run)
}

func (s *compareScreen) startReport() {
	s.exportBtn.Disable()
	s.browserBtn.Disable()
	s.progressTx.Importance = widget.MediumImportance
	s.progressTx.SetText("Writing the report…")
	s.progressTx.Show()
}

func (s *compareScreen) reportDone(msg string, imp widget.Importance) {
	s.exportBtn.Enable()
	s.browserBtn.Enable()
	s.progressTx.Importance = imp
	s.progressTx.SetText(msg)
	s.progressTx.Show()
}
