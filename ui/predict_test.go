package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"slmscope/engine/runs"
	"slmscope/lessons"
)

// TestLiveRunGuess: a guess typed beside Run is scored after the run, beside slmscope's
// projection; it goes into the prediction record and the run history. A guess that is not a
// speed stops the run before it starts.
func TestLiveRunGuess(t *testing.T) {
	dir := t.TempDir()
	tiny := writeTinyTwin(t, dir)
	a, l := liveRunFor(t, tiny)
	a.setLessonState(newLessonState(filepath.Join(dir, "lessons"), filepath.Join(dir, "progress.json"), func() lessons.Facts { return lessons.Facts{} }))
	selectChoice(t, l, "File: tiny")
	l.maxTokens.SetText("16")
	l.guess.entry.SetText("fast")
	test.Tap(l.runBtn)
	if l.errCard.Hidden || !strings.Contains(l.errBox.Text, "not a speed") || l.cancel != nil {
		t.Fatalf("a bad guess: error %q, running %v", l.errBox.Text, l.cancel != nil)
	}
	l.guess.entry.SetText("25")
	test.Tap(l.runBtn)
	waitFor(t, "the run and its score", 60*time.Second, func() bool { return !l.runBtn.Disabled() && !l.guess.outcome.Hidden })
	if !strings.Contains(l.guess.outcome.Text, "your guess 25.0 tok/s was") {
		t.Fatalf("outcome %q", l.guess.outcome.Text)
	}
	ps := a.lessons.store.Predictions()
	if len(ps) != 1 || ps[0].Guess != 25 || ps[0].MeasuredTPS <= 0 {
		t.Fatalf("prediction record %+v", ps)
	}
	path, _ := runs.DefaultPath() // written after the score is shown
	waitFor(t, "the run in the history with its guess", 10*time.Second, func() bool {
		rs, _, _ := runs.Load(path)
		last, ok := runs.Newest(rs, runs.OriginLive)
		return ok && last.Guess == 25
	})
}
