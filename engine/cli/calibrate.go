package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
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
	budget := fs.Duration("budget", 90*time.Second, "time budget for the whole ladder")
	threads := fs.Int("threads", runtime.NumCPU(), "CPU threads")
	asJSON := fs.Bool("json", false, "print the calibration as JSON")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	if *budget < 10*time.Second || *budget > 24*time.Hour || *threads < 1 {
		fmt.Fprintln(stderr, "slmscope calibrate: --budget must be between 10s and 24h and --threads ≥ 1")
		return ExitUsage
	}
	if badInputs(stderr, "calibrate", engine.CheckThreads(*threads)) {
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	hub := &engine.Machine{}
	ms, err := hub.Load(ctx, engine.MachineOptions{})
	if err != nil {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	machine := ms.Machine
	cache, err := engine.NewTwinCache(ms)
	if err != nil {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	lastLine := ""
	cal, err := engine.Calibrate(ctx, engine.CalibrateOptions{
		Budget: *budget, Threads: *threads, Machine: machine, Key: ms.Key, Cache: cache, Record: engine.Record,
		Progress: func(step, steps int, msg string, frac float64) {
			// One line per stage: twin writing reports every 50 ms, a terminal needs less.
			if stage, _, _ := strings.Cut(msg, " ("); !*asJSON && stage != lastLine {
				lastLine = stage
				fmt.Fprintf(stderr, "[%3.0f%%] %d/%d %s\n", frac*100, step, steps, msg)
			}
		},
	})
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
	if *asJSON {
		return writeJSON(stdout, stderr, "calibrate", merged.Calibration)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "twin\tquant\tparams\tgen tok/s\tprompt tok/s\tTTFT\tpeak RSS")
	for _, m := range cal.Measurements {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.0f\t%.0f ms\t%s\n", m.ModelID, m.Quant, units.Params(m.Params),
			m.GenTPS, m.PromptTPS, m.TTFTMs, units.Bytes(m.PeakRSSBytes))
	}
	_ = tw.Flush()
	for _, n := range cal.Notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	if cal.DisturbedRuns > 0 {
		fmt.Fprintf(stdout, "%d run(s) were disturbed by other programs: each was measured again or left out, none was fitted on\n", cal.DisturbedRuns)
	}
	kept := len(merged.Calibration.Measurements) - len(cal.Measurements)
	fmt.Fprintf(stdout, "measured (%s) with %d threads; saved with %d earlier run(s) of other twins kept\n", units.TwinDisclaimer, *threads, kept)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stdout, "stopped early: the twins measured so far were saved")
	}
	return ExitOK
}
