package ui

import (
	"context"
	"sync/atomic"
	"time"

	"slmscope/engine"
)

// The UI goroutine watchdog: a goroutine posts a probe to the UI goroutine every period and
// measures how long it waited to run. A probe late by more than the limit means the UI
// goroutine was blocked (a frozen window) for at least that long. The debug build
// (watchdog_debug.go, `make debug`) logs every such stall; tests drive screen switches with
// it on (watchdog_test.go).

// Watchdog settings: probes every watchdogEvery; a wait longer than stallLimit is a stall.
const (
	watchdogEvery = 25 * time.Millisecond
	stallLimit    = 100 * time.Millisecond
)

// watchdog probes a UI goroutine through post (App.do).
type watchdog struct {
	post  func(func())
	every time.Duration
	limit time.Duration
	// report runs on the UI goroutine right after a stall: how long the probe waited, and the
	// process CPU time spent meanwhile (0 where unknown). A long wait with little CPU is other
	// programs holding the cores, not work of ours.
	report func(waited, cpu time.Duration)
	// cpu reads the CPU time report hears about: the process's (procself.CPUTime) unless a
	// test reads the UI goroutine's own thread.
	cpu func() (time.Duration, bool)
	// late, when set, runs on the watchdog's goroutine while a probe is still waiting past the
	// limit (once per stall): the debug build takes the UI goroutine's stack there, so a stall
	// names the code that caused it.
	late func()
	// ticks and now replace the period's ticker and the clock when set: a test hands the
	// watchdog its ticks and time, so what it checks does not depend on how busy the machine is.
	ticks <-chan time.Time
	now   func() time.Time
}

// newWatchdog watches the goroutine behind post with the default period and limit.
func newWatchdog(post func(func()), report func(waited, cpu time.Duration)) *watchdog {
	return &watchdog{post: post, every: watchdogEvery, limit: stallLimit, report: report, cpu: engine.ProcessCPUTime}
}

// run probes until ctx ends. At most one probe waits at a time, so a blocked UI goroutine
// is not flooded; its stall is reported once, when it runs again. A probe measures the wait
// since it was posted, so a reported stall is a lower bound, short by up to one period.
func (w *watchdog) run(ctx context.Context) {
	if w.cpu == nil {
		w.cpu = engine.ProcessCPUTime
	}
	now, ticks := w.now, w.ticks
	if now == nil {
		now = time.Now
	}
	if ticks == nil {
		t := time.NewTicker(w.every)
		defer t.Stop()
		ticks = t.C
	}
	var pending atomic.Bool
	var done atomic.Uint64 // the number of probes that ran
	var sentN uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			if !pending.CompareAndSwap(false, true) {
				continue // the last probe is still waiting: the UI goroutine is busy
			}
			sent := now()
			cpu0, ok0 := w.cpu()
			sentN++
			if w.late != nil {
				n := sentN
				time.AfterFunc(w.limit, func() {
					if done.Load() < n && ctx.Err() == nil { // this probe is still waiting
						w.late()
					}
				})
			}
			w.post(func() {
				waited := now().Sub(sent)
				done.Add(1)
				pending.Store(false)
				if waited > w.limit && ctx.Err() == nil {
					var cpu time.Duration
					if cpu1, ok1 := w.cpu(); ok0 && ok1 {
						cpu = cpu1 - cpu0
					}
					w.report(waited, cpu)
				}
			})
		}
	}
}

// currentKey is the stable name of the screen on show (call on the UI goroutine).
func (a *App) currentKey() string {
	for _, s := range screens {
		if s.id == a.current {
			return s.key
		}
	}
	return ""
}
