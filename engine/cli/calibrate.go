package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("calibrate", "measure a ladder of twins on this machine so projections are fitted to it", calibrateCommand)
}

func calibrateCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("calibrate", stderr)
	budget := fs.Duration("budget", 90*time.Second, "measuring time for the ladder (up to half as much again when the runs miss the quality goals: leave-one-out ≤ 5 %, band ≤ ±12 %, ≥ 80 % inside)")
	defThreads, defWhy := engine.DefaultThreads()
	threads := fs.Int("threads", defThreads, "CPU threads: every core, within a CPU quota when there is one (here "+defWhy+")")
	gpuBudget := fs.Duration("gpu-budget", 0, "time budget for the GPU ladder, measured after the CPU ladder when llama.cpp lists a GPU (0: half of --budget; below 0: none)")
	asJSON := fs.Bool("json", false, "print the calibration as JSON")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	if !calibrateFlagsOK(*budget, *threads, stderr) || !calibrateFlagsOK(max(*gpuBudget, 10*time.Second), 1, stderr) {
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	hub := &engine.MachineHub{}
	ms, err := hub.Load(ctx, engine.MachineOptions{})
	if err != nil {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	cal, err := engine.CalibrateOn(ctx, ms, engine.CalibrateOptions{
		Budget: *budget, GPUBudget: *gpuBudget, Threads: *threads, Machine: ms.Machine, Key: ms.Key,
		Progress: stageProgress(stderr, *asJSON),
	})
	if busy := (*engine.BusyError)(nil); errors.As(err, &busy) && *asJSON {
		// A script reading --json learns why nothing was saved, and how busy the machine was.
		_ = writeJSON(stdout, stderr, "calibrate", map[string]any{
			"error": err.Error(), "saved": false, "runs": busy.Runs, "disturbed_runs": busy.DisturbedRuns, "interference": busy.Last})
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	if len(cal.Measurements) == 0 {
		fmt.Fprintln(stderr, "calibrate: nothing was measured; nothing saved")
		return ExitFail
	}
	merged, perr := hub.AddCalibration(cal) // estimate's one merge rule, as in the app
	if perr != nil {
		fmt.Fprintln(stderr, "calibrate: measured, but could not save:", oneLine(perr.Error()))
		return ExitFail
	}
	q := qualityOf(engine.Validate(merged.Machine, merged.Calibration, engine.CatalogModels()), cal.DisturbedRuns)
	if *asJSON {
		return writeJSON(stdout, stderr, "calibrate", struct {
			engine.Calibration
			Quality calibrationQuality `json:"quality"`
		}{merged.Calibration, q})
	}
	printCalibration(stdout, cal, merged.Calibration, *threads)
	fmt.Fprintln(stdout, q.line())
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stdout, "stopped early: the twins measured so far were saved")
	}
	return ExitOK
}

// calibrateFlagsOK checks the budget and thread count, saying what is wrong on stderr.
func calibrateFlagsOK(budget time.Duration, threads int, stderr io.Writer) bool {
	if budget < 10*time.Second || budget > 24*time.Hour || threads < 1 {
		fmt.Fprintln(stderr, "slmscope calibrate: --budget must be between 10s and 24h and --threads ≥ 1")
		return false
	}
	return !badInputs(stderr, "calibrate", engine.CheckThreads(threads))
}

// stageProgress reports the ladder's progress on stderr, one line per stage (twin writing
// reports every 50 ms, a terminal needs less); nothing when the output is JSON.
func stageProgress(stderr io.Writer, asJSON bool) func(step, steps int, msg string, frac float64) {
	lastLine := ""
	return func(step, steps int, msg string, frac float64) {
		if stage, _, _ := strings.Cut(msg, " ("); !asJSON && stage != lastLine {
			lastLine = stage
			fmt.Fprintf(stderr, "[%3.0f%%] %d/%d %s\n", frac*100, step, steps, msg)
		}
	}
}

// printCalibration writes the runs just measured (cal), the notes of what was saved (merged:
// cal's, and which earlier runs the merge left out), disturbed runs, and what was kept.
func printCalibration(stdout io.Writer, cal, merged engine.Calibration, threads int) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "twin\tquant\tparams\tgen tok/s\tprompt tok/s\tTTFT\tpeak RSS")
	for _, m := range cal.Measurements {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.0f\t%.0f ms\t%s\n", m.ModelID, m.Quant, units.Params(m.Params),
			m.GenTPS, m.PromptTPS, m.TTFTMs, units.Bytes(m.PeakRSSBytes))
	}
	_ = tw.Flush()
	for _, n := range merged.Notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	if cal.DisturbedRuns > 0 {
		fmt.Fprintf(stdout, "%d run(s) were disturbed by other programs: each was measured again or left out, none was fitted on\n", cal.DisturbedRuns)
	}
	kept := len(merged.Measurements) - len(cal.Measurements)
	fmt.Fprintf(stdout, "measured (%s) with %s; saved with %d earlier run(s) of other twins kept\n", units.TwinDisclaimer, units.Count(threads, "thread"), kept)
}

// calibrationQuality is how good a calibration is, as `project --validate` measures it.
type calibrationQuality struct {
	LeaveOneOutMedianPct float64 `json:"leave_one_out_median_abs_error_pct"`
	MedianBandPct        float64 `json:"median_band_pct"`
	BandCoverage         float64 `json:"band_coverage"`
	ExtrapolationChecks  int     `json:"extrapolation_checks"`
	ExtrapolationPct     float64 `json:"extrapolation_median_abs_error_pct"`
	DisturbedRuns        int     `json:"disturbed_runs"`
	Runs                 int     `json:"runs"`
}

func qualityOf(v engine.Validation, disturbed int) calibrationQuality {
	return calibrationQuality{
		LeaveOneOutMedianPct: v.MedianAbsErrorPct, MedianBandPct: v.MedianBandPct, BandCoverage: v.BandCoverage,
		ExtrapolationChecks: len(v.Extrapolation), ExtrapolationPct: v.ExtrapolationMedianAbsErrorPct,
		DisturbedRuns: disturbed, Runs: len(v.Models),
	}
}

// line is the calibration's quality in one line, its last.
func (q calibrationQuality) line() string {
	s := fmt.Sprintf("quality: each of %d runs projected from the others (leave-one-out) was off by %.1f %% (median), with a median band of ±%.1f %%; %s fell inside their bands",
		q.Runs, q.LeaveOneOutMedianPct, q.MedianBandPct, units.Percent(q.BandCoverage))
	if q.ExtrapolationChecks > 0 {
		s += fmt.Sprintf("; the largest twins projected from the smaller ones only: %.1f %% off (median of %d)", q.ExtrapolationPct, q.ExtrapolationChecks)
	}
	return s + fmt.Sprintf("; %d disturbed run(s)", q.DisturbedRuns)
}
