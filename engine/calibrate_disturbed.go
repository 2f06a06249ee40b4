package engine

import (
	"context"
	"errors"
	"fmt"

	"slmscope/internal/interference"
)

// maxDisturbedRetries is how many times a calibration run that other programs disturbed is
// measured again before its step is left out. A kernel is never fitted on a disturbed run:
// another program on a 2-core machine slowed a twin from 112 to 16 tok/s here, and the fit
// would take that for the twin's kernels.
const maxDisturbedRetries = 2

// minDisturbedToStop is how many disturbed runs it takes, together more than half of all
// runs, before the calibration stops for a busy machine instead of retrying step by step.
const minDisturbedToStop = 3

// errDisturbedLeftOut is a run disturbed on every try: its step, or its repeat, is left out.
var errDisturbedLeftOut = errors.New("disturbed on every try")

// BusyError stops a calibration on a machine that stayed busy: most of its runs were
// disturbed by other programs. Nothing is saved, so the previous calibration stays.
type BusyError struct {
	Last          interference.Report // the last disturbed run's figures
	Runs          int                 // runs measured
	DisturbedRuns int                 // of which disturbed
}

func (e *BusyError) Error() string {
	what := e.Last.Why
	if e.Last.CPUDisturbed() {
		what = fmt.Sprintf("another program %s %.1f of %d cores", e.Last.CPUVerb(), e.Last.OtherCPUCores, e.Last.Cores)
	}
	return fmt.Sprintf("%s; close it and measure again (%d of %d runs were disturbed; the previous calibration is kept)", what, e.DisturbedRuns, e.Runs)
}

// disturbTally counts a calibration's runs and the disturbed ones among them.
type disturbTally struct {
	runs, disturbed int
	last            interference.Report
}

// busy says whether the machine stayed busy: enough disturbed runs, more than half of all.
func (t *disturbTally) busy() bool {
	return t.disturbed >= minDisturbedToStop && 2*t.disturbed > t.runs
}

// measureClean adds one undisturbed run to r.res with again. A disturbed run is dropped and
// measured again, up to maxDisturbedRetries times; then errDisturbedLeftOut. A *BusyError
// says the machine stayed busy.
func measureClean(ctx context.Context, r *ladderRun, again measureAgain, t *disturbTally) error {
	for try := 0; ; try++ {
		if err := again(ctx, r); err != nil {
			return err
		}
		t.runs++
		last := r.res.Runs[len(r.res.Runs)-1]
		if !last.Interference.Disturbed {
			return nil
		}
		t.disturbed++
		t.last = last.Interference
		r.res.dropLastRun()
		if t.busy() {
			return &BusyError{Last: t.last, Runs: t.runs, DisturbedRuns: t.disturbed}
		}
		if try >= maxDisturbedRetries {
			return errDisturbedLeftOut
		}
	}
}

// dropLastRun forgets the newest run and takes the medians of the others again.
func (res *BenchResult) dropLastRun() {
	res.Runs = res.Runs[:len(res.Runs)-1]
	res.Repeats = len(res.Runs)
	if len(res.Runs) > 0 {
		res.takeMedians()
	}
}
