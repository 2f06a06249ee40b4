package engine

import (
	"context"
	"runtime"

	"slmscope/engine/estimate"
	"slmscope/engine/twin"
	"slmscope/internal/units"
)

// MeasureRequest is one measurement that goes into the run history: `slmscope bench`, the
// Compare screen's ▶ on a twin and the Models tab's Measure on a file all ask for it.
type MeasureRequest struct {
	// Model is the twin or file to measure; MeasureAndRecord resolves it.
	Model ModelRef
	// Cache is where a twin is written (nil: the default cache, see ModelRef.Resolve).
	Cache *twin.Cache
	// Writing hears a twin's write progress (may be nil).
	Writing func(done, total int64)
	// Resolved hears the model once its file is known, before the benchmark starts (may be nil).
	Resolved func(ModelRef)
	// Bench says how to measure; its Model is filled in. Threads 0 lets ChooseThreads pick
	// the count, said through Bench.Progress and kept in the result's ThreadsWhy.
	Bench BenchOptions
	// Origin is the run history's origin (runs.OriginBench, runs.OriginCompare).
	Origin string
	// Machine gives the run its hardware key; with Project, slmscope's projection on it from
	// before the run is kept beside the measurement.
	Machine MachineState
	Project bool
	// JoinsCalibration says the run will be added to Machine's calibration (Compare's "measure
	// this row"). With Bench.Threads 0 it then runs on the calibration's CPU thread count, when
	// the calibration has one: a run on another count would make the merge leave out every
	// earlier CPU run (estimate.MergeCalibration).
	JoinsCalibration bool
}

// Measured is what MeasureAndRecord measured and kept.
type Measured struct {
	Model  ModelRef // resolved
	Result *BenchResult
	Run    Run // the run-history entry
	// RecordErr says why the run history could not take the run; the measurement stands.
	RecordErr error
}

// MeasureAndRecord resolves the model (writing a twin when needed), benchmarks it and
// appends the run to the run history: the one path from a model to a recorded measurement.
func MeasureAndRecord(ctx context.Context, req MeasureRequest) (Measured, error) {
	ref := req.Model
	if err := ref.Resolve(ctx, req.Cache, req.Writing); err != nil {
		return Measured{}, err
	}
	if req.Resolved != nil {
		req.Resolved(ref)
	}
	o := req.Bench
	o.Model = ref
	threadsWhy := ""
	if t := req.Machine.Calibration.ThreadsOn("cpu"); o.Threads == 0 && req.JoinsCalibration && t > 0 {
		o.Threads = min(t, runtime.NumCPU())
		threadsWhy = units.Count(o.Threads, "thread") + ", as the calibration this run joins was measured"
		if o.Progress != nil {
			o.Progress("threads: " + threadsWhy)
		}
	}
	if o.Threads == 0 {
		o.Threads, threadsWhy = ChooseThreads(ctx, nil)
		if o.Progress != nil {
			o.Progress("threads: " + threadsWhy)
		}
	}
	res, err := Bench(ctx, o)
	if err != nil {
		return Measured{}, err
	}
	res.ThreadsWhy = threadsWhy
	run := RunFromBench(req.Origin, ref, res, req.Machine.Key)
	if req.Project {
		proj, ok := ProjectRun(req.Machine, ref, res.Context, res.PromptTokens) // what slmscope said before this run
		run = WithPrediction(run, 0, proj, ok)
	}
	return Measured{Model: ref, Result: res, Run: run, RecordErr: Record(run)}, nil
}

// CalibrateOn runs Calibrate for the machine s the way every front end does: the ladder's
// twins go to s's twin cache (with the fit rule as its RAM check, see NewTwinCache) and
// every measured step into the run history (Record). o's other settings, its Machine and
// Key included, are the caller's; a Cache or Record already set is kept.
func CalibrateOn(ctx context.Context, s MachineState, o CalibrateOptions) (Calibration, error) {
	if o.Cache == nil {
		cache, err := NewTwinCache(s)
		if err != nil {
			return Calibration{}, err
		}
		o.Cache = cache
	}
	if o.Record == nil {
		o.Record = Record
	}
	return Calibrate(ctx, o)
}

// LoadPriceTable is the user's API price table, or the built-in one when the user has none;
// err says why the user's could not be used (the built-in table comes back beside it).
func LoadPriceTable() (PriceTable, error) {
	path, err := estimate.PricesPath()
	if err != nil {
		return estimate.DefaultPrices(), err
	}
	return estimate.LoadPrices(path)
}
