//go:build debug

package ui

import (
	"context"
	"log"
	"time"

	"slmscope/engine/units"
)

// startDebugWatchdog logs every stall of the UI goroutine over stallLimit, with the screen on
// show (debug builds only: `make debug`).
func startDebugWatchdog(a *App) {
	ms := func(d time.Duration) string { return units.Millis(float64(d.Microseconds()) / 1e3) }
	w := newWatchdog(a.do, func(waited, cpu time.Duration) {
		log.Printf("slmscope debug: the UI goroutine was blocked for %s, the app used %s of CPU meanwhile (screen %q on show)", ms(waited), ms(cpu), a.currentKey())
	})
	go w.run(context.Background())
}
