package engine

import (
	"context"
	"errors"
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

// extraPasses spends the time left until end on further passes over the twins measured three
// times, up to maxCalibrationRepeats runs each. A calibration makes them only once no further
// step of the ladder fits (calibration.repeat): a fourth and fifth run of a small twin barely
// move the fit (18 calibrations of a 2-core EPYC, cut to their first three repeats:
// leave-one-out 6.6 % against 6.9 %, docs/accuracy.md), while a step they crowd out may be a
// kernel's second run, without which that kernel's checks carry bands of ±20–50 %.
func extraPasses(ctx context.Context, runs []ladderRun, end, deadline time.Time, again measureAgain, say func(int, string), notes *[]string, tally *disturbTally) error {
	for more := true; more; {
		// plan a pass that ends by end; one cut short by it is the last, so that every
		// twin's runs stay a pass apart
		at, planned := time.Now(), false
		for i := range runs {
			r := &runs[i]
			if r.want < 3 || len(r.res.Runs) != r.want || r.want >= maxCalibrationRepeats {
				continue
			}
			next := at.Add(time.Duration(r.runSec * float64(time.Second)))
			if next.After(end) {
				more = false
				break
			}
			r.want++
			at, planned = next, true
		}
		if !planned {
			return nil
		}
		if err := repeatPasses(ctx, runs, deadline, again, say, notes, tally); err != nil {
			return err
		}
	}
	return nil
}

// measureAgain adds one run to r.res (BenchAgain with r.opts; tests pass their own).
type measureAgain func(ctx context.Context, r *ladderRun) error

func benchLadderRun(ctx context.Context, r *ladderRun) error { return BenchAgain(ctx, r.opts, r.res) }

// repeatPasses measures the twins again, one pass over the ladder at a time, until each has
// the runs it wants. A twin's repeats are then a minute apart instead of back to back: a slow
// stretch of a shared machine (another process busy for seconds) slows one run of several
// twins, which their medians drop, instead of every run of one twin, which the fit would take
// for that twin's kernels being slow. Past the deadline the remaining repeats are left out,
// and notes says so. A repeat other programs disturbed is measured again (measureClean) or
// left out; a machine that stayed busy ends the passes with a *BusyError. It returns ctx's
// error when the calibration was cancelled.
func repeatPasses(ctx context.Context, runs []ladderRun, deadline time.Time, again measureAgain, say func(int, string), notes *[]string, tally *disturbTally) error {
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
			err := measureClean(ctx, r, again, tally)
			var busy *BusyError
			switch {
			case errors.As(err, &busy):
				return err
			case errors.Is(err, errDisturbedLeftOut):
				*notes = append(*notes, fmt.Sprintf("%s run %d left out: other programs disturbed it %d times in a row (%s)", r.label, len(r.res.Runs)+1, maxDisturbedRetries+1, tally.last.Why))
				r.want = len(r.res.Runs)
				continue
			case err != nil:
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

// calibrationRepeats is how many times a twin is measured (the median is kept). A short run
// on a shared machine moves by ±10 %, so small twins, which cost well under a second each,
// are measured three times; large ones, where one run takes many seconds, once. The repeats
// are spread over the ladder (repeatLadder).
func calibrationRepeats(fileBytes int64) int {
	switch {
	case fileBytes < 1<<30:
		return 3
	case fileBytes < 3<<30:
		return 2
	}
	return 1
}

// repeatTokenMs is each repeat's median token time, or nil for fewer than two repeats.
func repeatTokenMs(runs []BenchRun) []float64 {
	if len(runs) < 2 {
		return nil
	}
	out := make([]float64, 0, len(runs))
	for _, r := range runs {
		if r.TokenMsP50 > 0 {
			out = append(out, r.TokenMsP50)
		}
	}
	return out
}
