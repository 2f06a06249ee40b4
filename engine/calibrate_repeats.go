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
	runSec  float64 // how long one run took
}

// maxCalibrationRepeats is the most runs a small twin gets when the budget has time left
// after every twin has its calibrationRepeats.
const maxCalibrationRepeats = 5

// repeatLadder measures the twins again, one pass over the ladder at a time, until each has
// the runs it wants. A twin's repeats are then a minute apart instead of back to back: a slow
// stretch of a shared machine (another process busy for seconds) slows one run of several
// twins, which their medians drop, instead of every run of one twin, which the fit would take
// for that twin's kernels being slow. Past the deadline the remaining repeats are left out,
// and notes says so. Time left in the budget (until end) then goes to further passes over
// the twins measured three times, up to maxCalibrationRepeats runs each. It returns ctx's
// error when the calibration was cancelled.
func repeatLadder(ctx context.Context, runs []ladderRun, end, deadline time.Time, say func(int, string), notes *[]string) error {
	if err := repeatPasses(ctx, runs, deadline, say, notes); err != nil {
		return err
	}
	for extra := true; extra; {
		extra = false
		// plan a pass that ends by end
		at := time.Now()
		for i := range runs {
			r := &runs[i]
			next := at.Add(time.Duration(r.runSec * float64(time.Second)))
			if r.want < 3 || len(r.res.Runs) != r.want || r.want >= maxCalibrationRepeats || next.After(end) {
				continue
			}
			r.want++
			at, extra = next, true
		}
		if extra {
			if err := repeatPasses(ctx, runs, deadline, say, notes); err != nil {
				return err
			}
		}
	}
	return nil
}

// repeatPasses makes passes over runs until each has the runs it wants or deadline passes.
func repeatPasses(ctx context.Context, runs []ladderRun, deadline time.Time, say func(int, string), notes *[]string) error {
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
			say(r.step, fmt.Sprintf("Measuring %s again (run %d)…", r.label, len(r.res.Runs)+1))
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
