package predict

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestScoring(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	p := Prediction{At: at, Guess: 30, ProjectedTPS: 38, ProjectedLow: 33, ProjectedHigh: 44, MeasuredTPS: 40}
	if got := p.GuessErrorPct(); math.Abs(got-25) > 1e-9 {
		t.Errorf("guess error %v, want 25", got)
	}
	if got := p.ProjectionErrorPct(); math.Abs(got-5) > 1e-9 {
		t.Errorf("projection error %v, want 5", got)
	}
	if !p.InBand() || p.GuessInBand() {
		t.Errorf("in band %v, guess in band %v", p.InBand(), p.GuessInBand())
	}
	if v := p.Verdict(); !strings.Contains(v, "25.0 %") || !strings.Contains(v, "inside its band") || !strings.Contains(v, "slmscope was closer") {
		t.Errorf("verdict %q", v)
	}
	measuredBefore := Prediction{At: at, Guess: 30, ProjectedTPS: 38, ProjectedLow: 38, ProjectedHigh: 38, MeasuredTPS: 40}
	if v := measuredBefore.Verdict(); strings.Contains(v, "band") || !strings.Contains(v, "slmscope's projection 38.0 tok/s was 5.0 % off.") {
		t.Errorf("a projection of no width (a model measured before) reads %q", v)
	}
	noProj := Prediction{At: at, Guess: 50, MeasuredTPS: 40}
	if !math.IsNaN(noProj.ProjectionErrorPct()) || noProj.InBand() {
		t.Error("a prediction without projection has no projection error")
	}
	bad := Prediction{At: at, Guess: math.NaN(), MeasuredTPS: 40}
	s := ScoreAll([]Prediction{p, noProj, bad, {At: at, Guess: 41, ProjectedTPS: 20, ProjectedLow: 15, ProjectedHigh: 25, MeasuredTPS: 40}})
	if s.N != 3 || s.WithProjection != 2 || s.InBand != 1 || s.LearnerCloser != 1 {
		t.Errorf("score %+v", s)
	}
	if math.Abs(s.MedianGuessErrorPct-25) > 1e-9 {
		t.Errorf("median guess error %v, want 25 (of 25, 25, 2.5)", s.MedianGuessErrorPct)
	}
	if ScoreAll(nil).Summary() != "no predictions yet" {
		t.Error("empty summary")
	}
}

func TestParseGuess(t *testing.T) {
	for in, want := range map[string]float64{"": 0, " 12 ": 12, "12,5": 12.5, "30 tok/s": 30} {
		if got, err := ParseGuess(in); err != nil || got != want {
			t.Errorf("ParseGuess(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-3", "0", "abc", "12abc", "NaN", "1e9"} {
		if _, err := ParseGuess(in); err == nil {
			t.Errorf("ParseGuess(%q) accepted", in)
		}
	}
}

func TestValidKeepsNewest(t *testing.T) {
	var ps []Prediction
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MaxKept+10; i++ {
		ps = append(ps, Prediction{At: base.Add(time.Duration(i) * time.Minute), Guess: 1, MeasuredTPS: 2})
	}
	ps = append(ps, Prediction{At: base, Guess: -1, MeasuredTPS: 2})
	got := Valid(ps)
	if len(got) != MaxKept || !got[len(got)-1].At.Equal(base.Add(time.Duration(MaxKept+9)*time.Minute)) {
		t.Fatalf("kept %d, last %v", len(got), got[len(got)-1].At)
	}
}
