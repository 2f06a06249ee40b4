package lessons

import (
	"fmt"

	"slmscope/internal/predict"
)

// RecordPrediction adds one guess-and-measurement to the learner's prediction record and
// saves it with the quiz progress; the record keeps the newest predict.MaxKept. An invalid
// prediction (no guess, an impossible speed) is refused and nothing changes.
func (s *Store) RecordPrediction(p predict.Prediction) error {
	if err := p.Check(); err != nil {
		return fmt.Errorf("not keeping this prediction: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apply(func(pr *Progress) {
		pr.Predictions = predict.Valid(append(pr.Predictions, p))
	})
}

// Predictions returns a copy of the learner's prediction record, oldest first.
func (s *Store) Predictions() []predict.Prediction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]predict.Prediction(nil), s.p.Predictions...)
}
