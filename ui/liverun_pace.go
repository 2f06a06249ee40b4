package ui

import (
	"time"

	"slmscope/engine"
)

// The Live run's refresh pace. Each refresh makes Fyne repaint the whole window, and what
// that costs depends on the machine: a few milliseconds with a GPU, 30–40 ms of CPU under
// Xvfb, where Mesa draws in software. A fixed rate either wastes the cores the worker is
// being measured on or looks choppy for nothing, so the period starts at flushEvery and
// stretches until the threads that draw the window fit in drawBudget.

// drawBudget is the CPU, in cores, that the window's drawing threads (the main thread and
// the C libraries' threads: procself.MainAndForeignCPU) may use while a model generates.
const drawBudget = 0.01

// maxFlushEvery is the longest the pacer waits between refreshes.
const maxFlushEvery = 2 * time.Second

// pacer chooses the wait before each refresh from the drawing CPU used since the last one.
type pacer struct {
	every time.Duration
	cpu   time.Duration
	at    time.Time
	ok    bool
	// cpuNow reads the drawing threads' CPU time (tests replace it).
	cpuNow func() (time.Duration, bool)
}

func newPacer() *pacer {
	return &pacer{every: flushEvery, cpuNow: engine.MainAndForeignCPU}
}

// next is the wait before the next refresh.
func (p *pacer) next() time.Duration {
	cpu, ok := p.cpuNow()
	now := time.Now()
	if p.ok && ok && now.After(p.at) {
		share := float64(cpu-p.cpu) / float64(now.Sub(p.at))
		// A refresh costs about share × every; the period that fits the budget is that
		// cost / drawBudget. Halfway there each time: one slow frame does not stall the view.
		want := time.Duration(float64(p.every) * share / drawBudget)
		p.every = min(max((p.every+want)/2, flushEvery), maxFlushEvery)
	}
	p.cpu, p.at, p.ok = cpu, now, ok
	return p.every
}
