package engine

import (
	"context"
	"fmt"
	"time"
)

// ladderRun is one twin of the calibration ladder: how it is benchmarked, its runs so far and
// how many it is to have (calibrationRepeats).
type ladderRun struct {
	step    int
	label   string
	modelID string
	opts    BenchOptions
	res     *BenchResult
	want    int
}

// repeatLadder measures the twins again, one pass over the ladder at a time, until each has
// the runs it wants. A twin's repeats are then a minute apart instead of back to back: a slow
// stretch of a shared machine (another process busy for seconds) slows one run of several
// twins, which their medians drop, instead of every run of one twin, which the fit would take
// for that twin's kernels being slow. Past the deadline the remaining repeats are left out,
// and notes says so. It returns ctx's error when the calibration was cancelled.
func repeatLadder(ctx context.Context, runs []ladderRun, deadline time.Time, say func(int, string), notes *[]string) error {
	for {
		more := false
		for i := range runs {
			r := &runs[i]
			if len(r.res.Runs) >= r.want {
				continue
			}
			if time.Now().After(deadline) {
				*notes = append(*notes, fmt.Sprintf("the budget ran out before %s was measured again: %d of %d runs", r.label, len(r.res.Runs), r.want))
				r.want = len(r.res.Runs)
				continue
			}
			say(r.step, fmt.Sprintf("Measuring %s again (run %d of %d)…", r.label, len(r.res.Runs)+1, r.want))
			if err := BenchAgain(ctx, r.opts, r.res); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				*notes = append(*notes, fmt.Sprintf("%s run %d failed: %v", r.label, len(r.res.Runs)+1, err))
				r.want = len(r.res.Runs)
				continue
			}
			more = true
		}
		if !more {
			return nil
		}
	}
}
