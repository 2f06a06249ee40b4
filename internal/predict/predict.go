// Package predict is the learner's prediction record: before a run they guess how many
// tokens per second this machine will generate; after it, the guess, slmscope's own projection
// (with its band) and the measurement are kept side by side and scored. The progress store
// (lessons) keeps the record, the result files carry it, and the class view adds it up.
package predict

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"slmscope/internal/units"
)

// MaxKept is how many predictions the progress store keeps (the newest).
const MaxKept = 200

// MaxTPS bounds every speed in a record: no machine generates a million tokens per second,
// so a larger figure is damage or a typing slip, never a measurement.
const MaxTPS = 1e6

// Prediction is one guess and what happened.
type Prediction struct {
	At     time.Time `json:"at"`
	Origin string    `json:"origin"` // where the run was started: "live", "compare"
	Key    string    `json:"key"`    // the model's ident.Key
	Label  string    `json:"label"`  // the model, for people
	// Guess is the learner's guess of the generation speed, tokens per second.
	Guess float64 `json:"guess_tps"`
	// ProjectedTPS and its band are slmscope's projection for the same run (0 = none was
	// possible, e.g. a file the estimator could not plan).
	ProjectedTPS  float64 `json:"projected_tps,omitempty"`
	ProjectedLow  float64 `json:"projected_tps_low,omitempty"`
	ProjectedHigh float64 `json:"projected_tps_high,omitempty"`
	// MeasuredTPS is the generation speed the run measured.
	MeasuredTPS float64 `json:"measured_tps"`
}

// Check says what is wrong with a stored prediction, or nil.
func (p Prediction) Check() error {
	if !positive(p.Guess) || !positive(p.MeasuredTPS) {
		return fmt.Errorf("guess %v and measurement %v must both be positive speeds below %v tok/s", p.Guess, p.MeasuredTPS, MaxTPS)
	}
	for _, v := range []float64{p.ProjectedTPS, p.ProjectedLow, p.ProjectedHigh} {
		if v != 0 && !positive(v) {
			return fmt.Errorf("projection %v is not a speed", v)
		}
	}
	if p.At.IsZero() {
		return errors.New("no time")
	}
	return nil
}

func positive(v float64) bool { return v > 0 && v < MaxTPS && !math.IsNaN(v) }

// ParseGuess reads what the learner typed: "" is no guess (0, nil); otherwise a positive
// number of tokens per second ("12", "12.5", "12 tok/s").
func ParseGuess(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.ToLower(s)), "tok/s"))
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(s, ",", ".")), 64)
	if err != nil || !positive(v) {
		return 0, fmt.Errorf("your guess %q is not a speed: type tokens per second as a number, e.g. 25, or leave it empty", s)
	}
	return v, nil
}

// HasProjection says whether slmscope projected this run.
func (p Prediction) HasProjection() bool { return p.ProjectedTPS > 0 }

// GuessErrorPct is how far the guess was from the measurement, in percent of the measurement.
func (p Prediction) GuessErrorPct() float64 { return errPct(p.Guess, p.MeasuredTPS) }

// ProjectionErrorPct is how far slmscope's projection was, in percent (NaN without one).
func (p Prediction) ProjectionErrorPct() float64 {
	if !p.HasProjection() {
		return math.NaN()
	}
	return errPct(p.ProjectedTPS, p.MeasuredTPS)
}

// InBand says whether the measurement fell inside slmscope's projected band.
func (p Prediction) InBand() bool {
	return p.HasProjection() && p.ProjectedHigh > 0 && p.MeasuredTPS >= p.ProjectedLow && p.MeasuredTPS <= p.ProjectedHigh
}

// GuessInBand says whether the learner's guess fell inside slmscope's band.
func (p Prediction) GuessInBand() bool {
	return p.HasProjection() && p.ProjectedHigh > 0 && p.Guess >= p.ProjectedLow && p.Guess <= p.ProjectedHigh
}

func errPct(got, want float64) float64 {
	if want <= 0 {
		return math.NaN()
	}
	return math.Abs(got-want) / want * 100
}

// Verdict says in one line how the guess and the projection did:
// "your guess 30 tok/s was 25 % off; slmscope's 38 tok/s (band 33–44) was 5 % off, inside its band".
func (p Prediction) Verdict() string {
	s := fmt.Sprintf("measured %s; your guess %s was %s off", units.TokPerSec(p.MeasuredTPS), units.TokPerSec(p.Guess), pct(p.GuessErrorPct()))
	if !p.HasProjection() {
		return s + "; slmscope made no projection for this model"
	}
	s += fmt.Sprintf("; slmscope's projection %s", units.TokPerSec(p.ProjectedTPS))
	// a model measured here before is "projected" as that measurement: a band of no width,
	// which says nothing
	hasBand := p.ProjectedHigh > p.ProjectedLow
	if hasBand {
		s += fmt.Sprintf(" (band %s–%s)", units.Sig(p.ProjectedLow, 3), units.TokPerSec(p.ProjectedHigh))
	}
	s += " was " + pct(p.ProjectionErrorPct()) + " off"
	if hasBand {
		if p.InBand() {
			s += ", the measurement inside its band"
		} else {
			s += ", the measurement outside its band"
		}
	}
	switch g, e := p.GuessErrorPct(), p.ProjectionErrorPct(); {
	case g < e:
		s += ". You beat slmscope this time."
	case g > e:
		s += ". slmscope was closer this time."
	default:
		s += ". A tie."
	}
	return s
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return units.Percent(v / 100)
}

// Score adds up a set of predictions.
type Score struct {
	N int `json:"n"`
	// MedianGuessErrorPct is the median of |guess − measured| / measured, in percent.
	MedianGuessErrorPct float64 `json:"median_guess_error_pct"`
	// WithProjection counts predictions slmscope also projected; over those,
	// MedianProjectionErrorPct is its median error, InBand how often the measurement fell in
	// its band, and LearnerCloser how often the guess was closer than slmscope.
	WithProjection           int     `json:"with_projection"`
	MedianProjectionErrorPct float64 `json:"median_projection_error_pct,omitempty"`
	InBand                   int     `json:"in_band"`
	LearnerCloser            int     `json:"learner_closer"`
}

// ScoreAll scores ps (invalid entries are left out).
func ScoreAll(ps []Prediction) Score {
	var s Score
	var g, e []float64
	for _, p := range ps {
		if p.Check() != nil {
			continue
		}
		s.N++
		g = append(g, p.GuessErrorPct())
		if p.HasProjection() {
			s.WithProjection++
			pe := p.ProjectionErrorPct()
			e = append(e, pe)
			if p.InBand() {
				s.InBand++
			}
			if p.GuessErrorPct() < pe {
				s.LearnerCloser++
			}
		}
	}
	s.MedianGuessErrorPct = units.Median(g)
	s.MedianProjectionErrorPct = units.Median(e)
	return s
}

// Summary says a score in one line for people.
func (s Score) Summary() string {
	if s.N == 0 {
		return "no predictions yet"
	}
	out := fmt.Sprintf("%d predictions, guesses off by %s (median)", s.N, pct(s.MedianGuessErrorPct))
	if s.WithProjection > 0 {
		out += fmt.Sprintf("; slmscope off by %s, measurement inside its band %d of %d times; the learner closer %d of %d times",
			pct(s.MedianProjectionErrorPct), s.InBand, s.WithProjection, s.LearnerCloser, s.WithProjection)
	}
	return out
}

// Valid keeps the valid predictions of ps, newest last, at most MaxKept.
func Valid(ps []Prediction) []Prediction {
	var out []Prediction
	for _, p := range ps {
		if p.Check() == nil {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	if len(out) > MaxKept {
		out = out[len(out)-MaxKept:]
	}
	return out
}
