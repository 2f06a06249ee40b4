package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"slmscope/engine"
	"slmscope/engine/estimate"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
)

func init() {
	register("calibrate", "measure a ladder of twins on this machine so projections are fitted to it", calibrateCommand)
}

func calibrateCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	budget := fs.Duration("budget", 90*time.Second, "time budget for the whole ladder")
	threads := fs.Int("threads", runtime.NumCPU(), "CPU threads")
	asJSON := fs.Bool("json", false, "print the calibration as JSON")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 || *budget < 10*time.Second || *threads < 1 {
		fmt.Fprintln(stderr, "calibrate: --budget must be at least 10s and --threads ≥ 1; no other arguments")
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	hw, err := hwprobe.Probe(ctx, hwprobe.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	machine := estimate.MachineFromReport(hw)
	cache, err := twin.DefaultCache()
	if err != nil {
		fmt.Fprintln(stderr, "calibrate:", oneLine(err.Error()))
		return ExitFail
	}
	cache.AvailableRAM = func() uint64 { return uint64(machine.UsableRAM()) }
	lastLine := ""
	cal, err := engine.Calibrate(ctx, engine.CalibrateOptions{
		Budget: *budget, Threads: *threads, Machine: machine, Key: estimate.HardwareKey(hw), Cache: cache,
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
	path, perr := estimate.CachePath()
	if perr == nil {
		perr = estimate.SaveCalibration(path, cal)
	}
	if perr != nil {
		fmt.Fprintln(stderr, "calibrate: measured, but could not save:", oneLine(perr.Error()))
		return ExitFail
	}
	if *asJSON {
		return writeJSON(stdout, stderr, cal)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "twin\tquant\tparams\tgen tok/s\tprompt tok/s\tTTFT\tpeak RSS")
	for _, m := range cal.Measurements {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.0f\t%.0f ms\t%s\n", m.ModelID, m.Quant, engine.FormatCount(m.Params),
			m.GenTPS, m.PromptTPS, m.TTFTMs, engine.FormatBytes(uint64(m.PeakRSSBytes)))
	}
	_ = tw.Flush()
	for _, n := range cal.Notes {
		fmt.Fprintln(stdout, "note:", n)
	}
	fmt.Fprintf(stdout, "measured (twins: real speed, random words) with %d threads; saved to %s\n", *threads, path)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stdout, "stopped early: the twins measured so far were saved")
	}
	return ExitOK
}
