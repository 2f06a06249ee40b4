package ui

import (
	"time"

	"slmscope/engine"
)

// withGuess adds slmscope's projection for sum's model and the learner's guess to the Live
// run's history entry, off the UI goroutine; when there was a guess it is kept in the
// learner's prediction record and scored on screen (through App.do).
func (l *liveRun) withGuess(sum *engine.RunSummary, st engine.MachineState, run engine.Run, guess float64) engine.Run {
	p, ok := engine.ProjectRun(st, sum.Model, run.Context, run.PromptTokens)
	run = engine.WithPrediction(run, guess, p, ok)
	if run.When.IsZero() {
		run.When = time.Now()
	}
	pr, has := engine.PredictionOf(run)
	if !has {
		return run
	}
	err := l.a.lessons.store.RecordPrediction(pr)
	l.a.do(func() {
		l.guess.show(pr)
		if err != nil {
			l.guess.outcome.SetText(l.guess.outcome.Text + " (not kept in your prediction record: " + err.Error() + ")")
		}
		l.a.lessons.progressChanged()
	})
	return run
}
