package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"slmscope/engine"
)

func init() {
	register("report", "write one self-contained offline HTML report: hardware, projections, charts, validation", runReport)
}

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("report", stderr)
	out := fs.String("out", "", "the HTML file to write (required)")
	ctxLen := fs.Int("context", engine.DefaultContext, "context length in tokens for the KV cache")
	prompt := fs.Int("prompt", 512, "prompt length in tokens for time to first token")
	noProbe := fs.Bool("no-probe", false, "do not probe this machine; use the machine stored with the calibration")
	noLlama := fs.Bool("no-llama", false, "do not ask a llama.cpp worker for its device list")
	calPath := fs.String("calibration", "", "calibration cache file (default: the user cache folder's slmscope/calibration.json)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: slmscope report --out FILE.html [--context N] [--prompt N] [--no-probe] [--no-llama]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 || *out == "" {
		fmt.Fprintln(stderr, "slmscope report: give the file to write with --out FILE.html (and no other arguments)")
		return ExitUsage
	}
	if badInputs(stderr, "slmscope report", positiveContext(*ctxLen), tokenCount("--prompt", *prompt, 1), outputPath("--out", *out)) {
		return ExitUsage
	}
	in, notes, err := reportInput(*calPath, *noProbe)
	if err != nil {
		return fail(stderr, "report", err)
	}
	// what llama.cpp sees, as `slmscope probe` asks it
	switch {
	case in.Hardware == nil: // --no-probe: the machine stored with the calibration
	case *noLlama:
		in.Hardware.LlamaDevicesNote = "not asked (--no-llama)"
	default:
		fillLlamaDevices(context.Background(), in.Hardware)
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "slmscope report: note: %s\n", oneLine(n))
	}
	in.Context, in.PromptTokens = *ctxLen, *prompt
	if err := writeReportFile(*out, in); err != nil {
		return fail(stderr, "report", err)
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "wrote %s (open it in any browser; it works offline)\n", abs)
	return ExitOK
}

// reportInput gathers the machine, calibration, cost settings and prices.
func reportInput(calPath string, noProbe bool) (engine.ReportInput, []string, error) {
	var in engine.ReportInput
	ms, err := engine.LoadMachine(context.Background(), engine.MachineOptions{CalibrationPath: calPath, NoProbe: noProbe})
	if err != nil {
		return in, nil, err
	}
	if noProbe && !ms.Calibrated() {
		return in, nil, fmt.Errorf("--no-probe needs a stored calibration and none was found: run `slmscope calibrate` first or drop --no-probe")
	}
	in.Hardware, in.Machine, in.Calibration = ms.Hardware, ms.Machine, ms.Calibration
	notes := append(ms.Warnings, ms.Notes...)
	in.Models = engine.CatalogModels()
	in.Cost = engine.DefaultCostSettings()
	in.Prices = engine.DefaultPrices()
	if pp, err := engine.PricesPath(); err == nil {
		t, perr := engine.LoadPrices(pp)
		if perr != nil {
			notes = append(notes, perr.Error())
		}
		if len(t.Prices) > 0 {
			in.Prices = t
		}
	}
	return in, notes, nil
}

// writeReportFile writes the report next to path and renames it into place, so a failure
// never leaves half a file.
func writeReportFile(path string, in engine.ReportInput) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".slmscope-report-*.html")
	if err != nil {
		return fmt.Errorf("cannot write to %s: %w (choose a folder you can write to)", dir, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_ = f.Chmod(0o644) // a report is for sharing, not a secret
	if err := engine.WriteReport(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot finish writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot move the report to %s: %w", path, err)
	}
	return nil
}
