package ui

import (
	"testing"
	"time"
)

// The pace stays at flushEvery while drawing is cheap, stretches (up to maxFlushEvery) while
// it is dear, and comes back when it is cheap again.
func TestPacerFitsTheDrawingBudget(t *testing.T) {
	var cpu time.Duration
	p := newPacer()
	p.cpuNow = func() (time.Duration, bool) { return cpu, true }
	p.next()
	step := func(share float64) time.Duration {
		wait := p.every
		time.Sleep(wait / 50) // the pacer reads the clock; keep the test short
		p.at = p.at.Add(-wait + wait/50)
		cpu += time.Duration(share * float64(wait))
		return p.next()
	}
	if got := step(0.01); got != flushEvery {
		t.Errorf("cheap drawing: wait %v, want %v", got, flushEvery)
	}
	var got time.Duration
	for range 10 {
		got = step(0.20) // 20 % of a core at the current pace: far over budget
	}
	if got != maxFlushEvery {
		t.Errorf("dear drawing: wait %v, want %v", got, maxFlushEvery)
	}
	for range 10 {
		got = step(0.005)
	}
	if got != flushEvery {
		t.Errorf("cheap again: wait %v, want %v", got, flushEvery)
	}
}
