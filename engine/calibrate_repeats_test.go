package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// However the machine's speed fits the plan, the repeats come in whole passes over the
// ladder (run 2 of every twin, then run 3, …), big twins stop at their two runs, small ones
// at five, and a pass the budget cuts short is the last.
func TestRepeatLadderKeepsPassesWhole(t *testing.T) {
	tests := []struct {
		name string
		slow float64 // how much longer a run takes than the climb's
		left time.Duration
	}{
		{"time to spare", 1, time.Second},
		{"budget cut short", 1, 30 * time.Millisecond},
		{"machine slower than planned", 3, 60 * time.Millisecond},
		{"no time left", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs := []ladderRun{ // a slow small twin before a fast one
				{label: "a", want: 3, runSec: 0.010, res: &BenchResult{Runs: make([]BenchRun, 1)}},
				{label: "big", want: 2, runSec: 0.004, res: &BenchResult{Runs: make([]BenchRun, 1)}},
				{label: "b", want: 3, runSec: 0.001, res: &BenchResult{Runs: make([]BenchRun, 1)}},
			}
			var order []string
			again := func(ctx context.Context, r *ladderRun) error {
				time.Sleep(time.Duration(tc.slow * r.runSec * float64(time.Second)))
				r.res.Runs = append(r.res.Runs, BenchRun{})
				order = append(order, fmt.Sprintf("%s%d", r.label, len(r.res.Runs)))
				return nil
			}
			now := time.Now()
			var notes []string
			say, tally := func(int, string) {}, &disturbTally{}
			if err := repeatPasses(context.Background(), runs, now.Add(time.Hour), again, say, &notes, tally); err != nil {
				t.Fatal(err)
			}
			if err := extraPasses(context.Background(), runs, now.Add(tc.left), now.Add(time.Hour), again, say, &notes, tally); err != nil {
				t.Fatal(err)
			}
			whole := []string{"a2", "big2", "b2", "a3", "b3", "a4", "b4", "a5", "b5"}
			if len(order) < 5 || !slices.Equal(order, whole[:len(order)]) {
				t.Errorf("runs in the order %v; want a prefix of %v with every required run", order, whole)
			}
			t.Logf("%v", order)
			if tc.left >= time.Second && len(order) != len(whole) {
				t.Errorf("with time to spare: %v, want %v", order, whole)
			}
		})
	}
}

// A twin measured several times keeps each repeat's median token for the drift; one run keeps
// none.
func TestMeasurementKeepsRepeats(t *testing.T) {
	tests := []struct {
		name string
		runs []BenchRun
		want []float64
	}{
		{"one run", []BenchRun{{TokenMsP50: 10}}, nil},
		{"three runs", []BenchRun{{TokenMsP50: 10}, {TokenMsP50: 12}, {TokenMsP50: 11}}, []float64{10, 12, 11}},
	}
	for _, tc := range tests {
		m := MeasurementFromBench("smollm2-135m", &BenchResult{Runs: tc.runs}, ModelRef{})
		if fmt.Sprint(m.TokenMsP50Runs) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, m.TokenMsP50Runs, tc.want)
		}
	}
}
