package ui

import (
	"bytes"
	"context"
	"log"
	"os"
	"runtime"
	"time"

	"slmscope/internal/units"
)

// startWatchdog logs every stall of the UI goroutine over stallLimit to stderr, with the screen
// on show and the UI goroutine's stack taken while it was blocked. It runs in debug builds
// (`make debug`) and, in any build, when SLMSCOPE_WATCHDOG is set: a debug build also draws
// Fyne's debug overlay, which makes every frame slower, so stalls are measured on the release
// build (`SLMSCOPE_WATCHDOG=1 ./bin/slmscope`). A duration as its value (`50ms`) sets a
// lower limit, to see how close to the limit the app comes.
func startWatchdog(a *App) {
	env := os.Getenv("SLMSCOPE_WATCHDOG")
	if !debugBuild && env == "" {
		return
	}
	ms := func(d time.Duration) string { return units.Millis(float64(d.Microseconds()) / 1e3) }
	w := newWatchdog(a.do, func(waited, cpu time.Duration) {
		log.Printf("slmscope watchdog: the UI goroutine was blocked for %s, the app used %s of CPU meanwhile (screen %q on show)", ms(waited), ms(cpu), a.currentKey())
	})
	if d, err := time.ParseDuration(env); err == nil && d > 0 {
		w.limit = d
	}
	w.late = func() { log.Printf("slmscope watchdog: the UI goroutine is blocked; its stack:\n%s", mainStack()) }
	go w.run(context.Background())
}

// mainStack is the stack of goroutine 1, the main goroutine, on which Fyne's desktop driver
// runs its event loop and draws.
func mainStack() []byte {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(g, []byte("goroutine 1 ")) {
			return g
		}
	}
	return []byte("(goroutine 1 not found)")
}
