package lessons

import (
	"fmt"
	"math"

	"slmscope/internal/units"
)

// NotMeasuredGuess is what a lesson says when the learner has no prediction record yet.
const NotMeasuredGuess = "your own guess: not measured yet — type a guess beside Run on Live run, then run a model"

func init() {
	LiveGenerators["guess-error"] = LiveGenerator{
		Summary: "how far off was your last guess of the generation speed? (numeric, from your prediction record)",
		Params:  map[string]float64{"tolerance": 2},
		Make:    makeGuessError,
	}
}

// HasPrediction says whether the learner's prediction record has an entry.
func (f Facts) HasPrediction() bool { return f.LastPrediction.Check() == nil }

// makeGuessError asks how far the learner's last guess was from what the machine measured, in
// percent of the measurement; the explanation sets slmscope's own projection beside it.
func makeGuessError(id string, p map[string]float64, f Facts) (Question, bool, string) {
	if !f.HasPrediction() {
		return Question{}, false, NotMeasuredGuess
	}
	pr := f.LastPrediction
	ans := pr.GuessErrorPct()
	q := Question{
		ID:   id,
		Kind: KindNumeric,
		Prompt: fmt.Sprintf("Before your last run%s you guessed this machine would generate %s tokens per second; it measured %s. By how many percent of the measurement was your guess off?",
			phrase(" of ", pr.Label, ""), formatNum(pr.Guess), formatNum(pr.MeasuredTPS)),
		Answer:    &ans,
		Tolerance: math.Max(p["tolerance"], 0),
		Unit:      "%",
		Explanation: fmt.Sprintf("Error = |guess − measured| ÷ measured = |%s − %s| ÷ %s ≈ %s %%. ",
			formatNum(pr.Guess), formatNum(pr.MeasuredTPS), formatNum(pr.MeasuredTPS), formatNum(ans)),
		Basis: "your prediction record, " + pr.At.Local().Format("2 Jan 2006 15:04"),
	}
	if pr.HasProjection() {
		q.Explanation += fmt.Sprintf("slmscope projected %s from this machine's bandwidth and calibration, %s off. ",
			units.TokPerSec(pr.ProjectedTPS), units.Percent(pr.ProjectionErrorPct()/100))
	}
	q.Explanation += "Generation reads every weight once per token, so memory bandwidth ÷ model bytes is the ceiling a guess can start from."
	return q, true, ""
}
