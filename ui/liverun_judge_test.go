package ui

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"slmscope/engine"
	"slmscope/engine/runs"
	"slmscope/lessons"
)

// TestLiveRunOutsideItsBandChecksThePace: a Live run is shown beside slmscope's projection for
// it. Outside a calibrated band, the machine's pace is checked before the screen hears the run
// ended (Run stays disabled meanwhile); on a slower machine a guess is not scored, while a
// machine at its pace says the projection itself missed and scores the guess. Inside the
// band there is no check. Runs are started with a tap on Run, on a real worker.
func TestLiveRunOutsideItsBandChecksThePace(t *testing.T) {
	for _, c := range []struct {
		name      string
		low, high float64 // the projected band (tok/s); the tiny model runs 1000–2000 here
		guess     string
		verdict   string
		checked   bool
		scored    int
		wantWords []string
	}{
		{"slower machine", 1e4, 2e4, "25", engine.PaceSlower, true, 0,
			[]string{"Predict, then measure: It measured ", "That is outside its projected band (", "(the machine is slower)", "Your guess was not scored"}},
		{"projection missed", 1e4, 2e4, "25", engine.PaceSame, true, 1,
			[]string{"Predict, then measure: measured", "your guess 25.0 tok/s was", "That is outside its projected band (", "So the projection itself missed."}},
		{"inside its band, no guess", 0.01, 1e5, "", engine.PaceSame, false, 0,
			[]string{"slmscope projected 31.6 tok/s (band 0.01–100000 tok/s)", "from this machine's calibration.", "tok/s is inside that band."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			a, l := liveRunFor(t, writeTinyTwin(t, dir))
			a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
			l.project = func(engine.MachineState, engine.ModelRef, int, int) (engine.Projection, bool) {
				return engine.Projection{Source: engine.SourceProjected, Calibrated: true, Device: "cpu", DecodeTPS: math.Sqrt(c.low * c.high), DecodeTPSLow: c.low, DecodeTPSHigh: c.high}, true
			}
			checked, runDisabled := 0, false
			l.pace = func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) {
				checked++
				done := make(chan bool, 1)
				a.do(func() { done <- l.runBtn.Disabled() })
				runDisabled = <-done
				return engine.PaceCheck{Verdict: c.verdict, Why: "(the machine is " + c.verdict + ")"}, nil
			}
			selectChoice(t, l, "File: tiny")
			l.maxTokens.SetText("16")
			test.Type(l.guess.entry, c.guess)
			test.Tap(l.runBtn)
			waitFor(t, "the run and its line", 60*time.Second, func() bool { return !l.runBtn.Disabled() && !l.guess.outcome.Hidden })
			got := l.guess.outcome.Text
			if (checked > 0) != c.checked || (c.checked && !runDisabled) {
				t.Errorf("pace checked %d times (Run disabled meanwhile: %v), want checked %v; line %q", checked, runDisabled, c.checked, got)
			}
			for _, w := range c.wantWords {
				if !strings.Contains(got, w) {
					t.Errorf("line %q\nwant %q", got, w)
				}
			}
			if n := len(a.lessons.store.Predictions()); n != c.scored {
				t.Errorf("%d guesses kept in the prediction record, want %d; line %q", n, c.scored, got)
			}
			// the history is written after the line is shown, and every subtest shares it
			path, _ := runs.DefaultPath()
			waitFor(t, "the run in the history with its projection", 10*time.Second, func() bool {
				rs, _, _ := runs.Load(path)
				last, ok := runs.Newest(rs, runs.OriginLive)
				return ok && last.ProjectedLow == c.low
			})
		})
	}
}

// TestLiveRunOnOtherThreadsHasNoProjection: with 1 thread chosen on the form and a calibration
// measured on 2, the run is not compared with a projection for 2 threads, and a guess is
// scored against the measurement alone.
func TestLiveRunOnOtherThreadsHasNoProjection(t *testing.T) {
	dir := t.TempDir()
	a, l := liveRunFor(t, writeTinyTwin(t, dir))
	a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
	if _, err := a.machine.AddCalibration(fixtureCalibration(t)); err != nil {
		t.Fatal(err)
	}
	l.project = func(engine.MachineState, engine.ModelRef, int, int) (engine.Projection, bool) {
		return engine.Projection{Source: engine.SourceProjected, Calibrated: true, Device: "cpu", DecodeTPS: 1.5e4, DecodeTPSLow: 1e4, DecodeTPSHigh: 2e4}, true
	}
	checked := 0
	l.pace = func(context.Context, func(string)) (engine.PaceCheck, error) {
		checked++
		return engine.PaceCheck{}, nil
	}
	selectChoice(t, l, "File: tiny")
	l.maxTokens.SetText("16")
	l.threads.SetSelected("1")
	test.Type(l.guess.entry, "25")
	test.Tap(l.runBtn)
	waitFor(t, "the run and its line", 60*time.Second, func() bool { return !l.runBtn.Disabled() && !l.guess.outcome.Hidden })
	got := l.guess.outcome.Text
	for _, w := range []string{"your guess 25.0 tok/s was", "slmscope made no projection for this model: its calibration ran 2 threads, and this run used 1."} {
		if !strings.Contains(got, w) {
			t.Errorf("line %q\nwant %q", got, w)
		}
	}
	if checked != 0 || strings.Contains(got, "band") {
		t.Errorf("pace checked %d times against a projection for other threads; line %q", checked, got)
	}
	if n := len(a.lessons.store.Predictions()); n != 1 {
		t.Errorf("%d guesses kept in the prediction record, want 1", n)
	}
}
