// Package predicttest holds a learner's prediction for the tests of the packages that store,
// score and show predictions (lessons, ui).
package predicttest

import (
	"time"

	"slmscope/internal/predict"
)

// Sample is a learner's guess of 30 tok/s for SmolLM2-135M Q8_0, projected at 38 (33–44) and
// measured at 40.
func Sample() predict.Prediction {
	return predict.Prediction{At: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Origin: "live", Key: "twin:smollm2-135m@Q8_0",
		Label: "SmolLM2-135M Q8_0", Guess: 30, ProjectedTPS: 38, ProjectedLow: 33, ProjectedHigh: 44, MeasuredTPS: 40}
}
