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
	w := newWatchdog(a.do, func(d time.Duration) {
		log.Printf("slmscope debug: the UI goroutine was blocked for %s (screen %q on show)", units.Millis(float64(d.Microseconds())/1e3), a.currentKey())
	})
	go w.run(context.Background())
}
