package engine

import (
	"fmt"

	"slmscope/engine/results"
	"slmscope/engine/runs"
	"slmscope/internal/predict"
)

// SaveResults writes this machine's result file to out (see engine/results): the anonymised
// hardware summary and calibration of s, the measured runs from the run history, and the
// learner's prediction record, signed with this installation's key (created on first use).
// label is what the learner typed to name the file ("" = none). It returns the results saved
// and any run-history lines that had to be skipped.
func SaveResults(s MachineState, label, out string, preds []predict.Prediction) (results.Results, []string, error) {
	path, err := runs.DefaultPath()
	if err != nil {
		return results.Results{}, nil, err
	}
	rs, problems, err := runs.Load(path)
	if err != nil {
		return results.Results{}, nil, err
	}
	r, err := results.Build(results.Input{Hardware: s.Hardware, Machine: s.Machine, Key: s.Key, Calibration: s.Calibration,
		Runs: rs, Predictions: preds, Label: label})
	if err != nil {
		return results.Results{}, problems, err
	}
	kp, err := results.KeyPath()
	if err != nil {
		return results.Results{}, problems, err
	}
	key, err := results.LoadOrCreateKey(kp)
	if err != nil {
		return results.Results{}, problems, err
	}
	if err := results.Save(out, r, key); err != nil {
		return results.Results{}, problems, err
	}
	if len(r.Runs) == 0 {
		problems = append(problems, fmt.Sprintf("no measured runs of this machine in %s yet: the file has the hardware and calibration only (run a model on Live run first)", path))
	}
	return r, problems, nil
}
