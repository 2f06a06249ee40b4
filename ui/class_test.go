package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"slmscope/engine"
	"slmscope/engine/estimate"
	"slmscope/engine/results"
	"slmscope/engine/results/resultstest"
	"slmscope/hwprobe"
	"slmscope/internal/predict/predicttest"
	"slmscope/lessons"
)

// newClassTestApp is a bare app with its lesson state (progress) in dir.
func newClassTestApp(t *testing.T, dir string) *App {
	t.Helper()
	fa := newTestApp(t)
	a := withUIExec(&App{fyne: fa, win: fa.NewWindow("class test")})
	a.content = container.NewStack()
	a.win.SetContent(a.content)
	a.win.Resize(fyne.NewSize(1024, 640))
	a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
	return a
}

func TestGoldenClassEmpty(t *testing.T) {
	a := newClassTestApp(t, goldenDir(t))
	assertGolden(t, "class_empty.xml", buildClassScreen(a))
}

// TestClassScreenFolder: five result files show as five machines; a sixth that lands is
// picked up; a broken one is listed with its reason; the folder disappearing (USB stick
// pulled) keeps the last view with a clear line, and its return brings the view back.
func TestClassScreenFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "usb")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	saved := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if err := resultstest.Folder(dir, 5, saved); err != nil {
		t.Fatal(err)
	}
	a := newClassTestApp(t, root)
	s := newClassScreen(a)
	s.every = 40 * time.Millisecond
	showIn(a, s.buildUI())
	t.Cleanup(s.stopWatching)
	s.dir.SetText(dir)
	s.dir.OnSubmitted(dir)
	waitFor(t, "five machines", 10*time.Second, func() bool { return s.hasData && len(s.shown.Machines) == 5 })
	if !strings.Contains(s.status.Text, "5 machines") || !strings.Contains(s.summary.Text, "Llama-3.1-8B Q4_K_M: 5 of 5 machines") ||
		!strings.Contains(s.summary.Text, "The median machine is Desk 3") || s.chart.Hidden || len(s.table.Objects) != 2 {
		t.Fatalf("status %q\nsummary %q", s.status.Text, s.summary.Text)
	}
	if a.fyne.Preferences().String(prefClassDir) != dir {
		t.Error("the folder is not remembered")
	}

	if err := resultstest.Write(dir, "desk-6.json", resultstest.Machine(5, saved), resultstest.Key()); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "half.json"), []byte(`{"format":"slmscope-res`), 0o644)
	// A look may catch half.json created but not yet written ("the file is empty"): the next
	// look reads what it holds.
	waitFor(t, "the sixth machine and half.json refused", 10*time.Second, func() bool {
		return len(s.shown.Machines) == 6 && strings.Contains(s.refused.Text, "half.json: not JSON")
	})
	if s.refused.Hidden || !strings.Contains(s.refused.Text, "half.json: not JSON") {
		t.Fatalf("refused %q", s.refused.Text)
	}

	if err := os.Rename(dir, dir+"-pulled"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the folder gone", 10*time.Second, func() bool { return strings.Contains(s.status.Text, "USB stick") })
	if !strings.Contains(s.status.Text, "Showing the 6 machines") || len(s.shown.Machines) != 6 {
		t.Fatalf("after the folder went: %q", s.status.Text)
	}
	if err := os.Rename(dir+"-pulled", dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the folder back", 10*time.Second, func() bool { return strings.Contains(s.status.Text, "6 machines from") })
}

// TestClassSaveMyResults saves this (fake) machine's file from the screen and reads it back.
func TestClassSaveMyResults(t *testing.T) {
	root := t.TempDir()
	t.Setenv("SLMSCOPE_RUNS", filepath.Join(root, "runs.jsonl"))
	t.Setenv(results.EnvKey, filepath.Join(root, "key"))
	a := newClassTestApp(t, root)
	rep := sampleReport()
	if _, err := a.hub().Load(context.Background(), engine.MachineOptions{
		Probe: func(context.Context, hwprobe.Options) (*hwprobe.Report, error) { return &rep, nil },
		LoadCalibration: func(string, string) (engine.Calibration, error) {
			return engine.Calibration{}, estimate.ErrNoCalibration
		},
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.lessonState().store.RecordPrediction(predicttest.Sample()); err != nil {
		t.Fatal(err)
	}
	s := newClassScreen(a)
	showIn(a, s.buildUI())
	s.label.SetText("../evil")
	if _, err := s.labelText(); err == nil {
		t.Fatal("a path label was accepted")
	}
	s.label.SetText("Desk 9")
	out := filepath.Join(root, "mine.json")
	s.saveTo(out, "Desk 9")
	waitFor(t, "the file saved", 10*time.Second, func() bool {
		return strings.HasPrefix(s.status.Text, "Saved ") || strings.HasPrefix(s.status.Text, "⚠")
	})
	r, err := results.ReadFile(out)
	if err != nil {
		t.Fatalf("%v (status %q)", err, s.status.Text)
	}
	if r.Label != "Desk 9" || len(r.Predictions) != 1 || r.Hardware.CPU != rep.CPU.Model {
		t.Fatalf("saved %+v", r)
	}
}
