package ui

import (
	"time"

	"slmscope/engine/predict"
)

// testPrediction is a learner's guess with its measurement, for quiz and class tests.
func testPrediction() predict.Prediction {
	return predict.Prediction{At: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Origin: "live", Key: "twin:smollm2-135m@Q8_0",
		Label: "SmolLM2-135M Q8_0", Guess: 30, ProjectedTPS: 38, ProjectedLow: 33, ProjectedHigh: 44, MeasuredTPS: 40}
}
