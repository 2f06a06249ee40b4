// Package procself measures and tames slmscope's own process: the CPU time it has used (so a
// Live run can say what the window cost while the model ran) and a lower scheduling priority
// for the thread that draws the window while a model generates (so drawing yields the cores
// to the llama.cpp worker being measured). One file per OS; where the OS offers neither, the
// calls say "unknown" or do nothing.
package procself

import (
	"errors"
	"time"
)

// ErrUnsupported is returned where this OS offers no way to do what was asked.
var ErrUnsupported = errors.New("not supported on this OS")

// Share is the CPU the process used between two CPUTime readings, in cores (0.37 = 37 % of
// one core), or 0 when either reading is unknown or no time passed.
func Share(cpu0, cpu1 time.Duration, ok0, ok1 bool, wall time.Duration) float64 {
	if !ok0 || !ok1 || wall <= 0 || cpu1 < cpu0 {
		return 0
	}
	return float64(cpu1-cpu0) / float64(wall)
}
