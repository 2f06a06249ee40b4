package ui

import (
	"time"

	"slmscope/engine"
)

// withGuess adds slmscope's projection jd.p and the learner's guess to the Live run's history
// entry, off the UI goroutine, and puts the line that compares them on screen (through
// App.do): the projection beside the measurement, or with a guess the guess's score, which
// goes into the learner's prediction record. A guess is not scored when the pace check found
// the machine slower than its calibration.
func (l *liveRun) withGuess(run engine.Run, guess float64, jd liveJudgement) engine.Run {
	run = engine.WithPrediction(run, guess, jd.p, jd.ok)
	if run.When.IsZero() {
		run.When = time.Now()
	}
	pr, has := engine.PredictionOf(run)
	switch {
	case has && jd.slow:
		line := "Predict, then measure:" + jd.note + " " + guessNotScored // the note gives the measurement
		l.a.do(func() { l.guess.say(line) })
		return run
	case !has:
		if line := jd.projectionLine(); line != "" {
			l.a.do(func() { l.guess.say(line) })
		}
		return run
	}
	err := l.a.lessons.store.RecordPrediction(pr)
	line := "Predict, then measure: " + pr.Verdict() + jd.note
	if jd.noneWhy != "" {
		line = "Predict, then measure: " + pr.Verdict() + ": " + jd.noneWhy + "."
	}
	if err != nil {
		line += " (not kept in your prediction record: " + err.Error() + ")"
	}
	l.a.do(func() {
		l.guess.say(line)
		l.a.lessons.progressChanged()
	})
	return run
}
