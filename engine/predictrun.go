package engine

import (
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/runs"
	"slmscope/internal/predict"
)

// ProjectRun is slmscope's own projection of ref's generation speed on the machine s, for a
// run with context and prompt tokens: a twin from its catalog shapes, a file from its own
// tensors. ok is false when the estimator cannot plan the model (the run then has none).
func ProjectRun(s MachineState, ref ModelRef, context, prompt int) (p estimate.Projection, ok bool) {
	opt := estimate.Options{Context: context, PromptTokens: prompt}
	if ref.Twin && ref.Model.ID != "" {
		ps, _ := estimate.ProjectWith(s.Machine, s.Calibration, []catalog.Model{ref.Model}, []quant.Quant{ref.Quant}, opt)
		if len(ps) != 1 || ps[0].DecodeTPS <= 0 {
			return p, false
		}
		return ps[0], true
	}
	if ref.Path == "" {
		return p, false
	}
	fm, err := estimate.ReadFileModel(ref.Path)
	if err != nil {
		return p, false
	}
	p, err = estimate.ProjectFile(s.Machine, s.Calibration, fm, opt)
	return p, err == nil && p.DecodeTPS > 0
}

// WithPrediction adds the learner's guess (0 = none) and slmscope's projection p (when ok)
// to a measured run, before it is recorded.
func WithPrediction(run runs.Run, guess float64, p estimate.Projection, ok bool) runs.Run {
	run.Guess = guess
	if ok {
		run.ProjectedTPS, run.ProjectedLow, run.ProjectedHigh = p.DecodeTPS, p.DecodeTPSLow, p.DecodeTPSHigh
	}
	return run
}

// PredictionOf is the prediction record entry of a run the learner guessed (ok is false
// without a guess or a measured speed).
func PredictionOf(run runs.Run) (predict.Prediction, bool) {
	pr := predict.Prediction{At: run.When, Origin: run.Origin, Key: string(run.Key), Label: run.Label, Guess: run.Guess,
		ProjectedTPS: run.ProjectedTPS, ProjectedLow: run.ProjectedLow, ProjectedHigh: run.ProjectedHigh, MeasuredTPS: run.GenTPS}
	return pr, run.Guess > 0 && pr.Check() == nil
}
