package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("project", "project memory, speed and cost of catalog models on this machine (measured where calibrated)", runProject)
}

// projectReport is `slmscope project --json`.
type projectReport struct {
	Models []engine.Projection `json:"models"`
	// Calibrated is true when measurements of this machine were used.
	Calibrated      bool               `json:"calibrated"`
	CalibrationWhen *time.Time         `json:"calibration_when,omitempty"`
	Machine         engine.MachineSpec `json:"machine"`
	Notes           []string           `json:"notes,omitempty"`
}

func runProject(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("project", stderr)
	modelID := fs.String("model", "", "only this catalog model (default: all; the IDs are listed below), or a GGUF file's path")
	quantFlag := fs.String("quant", "", "only this quantization, or a comma-separated list (default BF16,Q8_0,Q4_K_M)")
	ctxLen := fs.Int("context", engine.DefaultContext, "context length in tokens for the KV cache")
	prompt := fs.Int("prompt", 512, "prompt length in tokens for time to first token")
	asJSON := fs.Bool("json", false, "print JSON: {models:[...]} (with --validate: the leave-one-out report)")
	validate := fs.Bool("validate", false, "project each measured twin from the others and compare with its measurement")
	calPath := fs.String("calibration", "", "calibration cache file (default: the user cache folder's slmscope/calibration.json)")
	noProbe := fs.Bool("no-probe", false, "do not probe this machine; use the machine stored with the calibration")
	gpuLayers := fs.Int("gpu-layers", 0, "project this many layers on the GPU, as llama.cpp's --gpu-layers counts them (0: as many as fit)")
	fs.Usage = projectUsage(fs, stderr)
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	var layersErr error
	if *gpuLayers < 0 {
		layersErr = &engine.InputError{Field: "--gpu-layers", Problem: fmt.Sprintf("%d is not a layer count: give 0 (as many as fit) or more", *gpuLayers)}
	}
	if badInputs(stderr, "slmscope project", positiveContext(*ctxLen), tokenCount("--prompt", *prompt, 1), layersErr) {
		return ExitUsage
	}
	models, file, code, ok := projectTargets(*modelID, stderr)
	if !ok {
		return code
	}
	quants, ok := projectQuants(*quantFlag, stderr)
	if !ok {
		return ExitUsage
	}

	ms, err := engine.LoadMachine(context.Background(), engine.MachineOptions{CalibrationPath: *calPath, NoProbe: *noProbe})
	if err != nil {
		return fail(stderr, "project", err)
	}
	machine, cal := ms.Machine, ms.Calibration
	rep := newProjectReport(ms, stderr)
	opt := engine.ProjectionOptions{Context: *ctxLen, PromptTokens: *prompt, GPULayers: *gpuLayers, Published: *quantFlag == ""}
	switch {
	case *validate:
		v := engine.Validate(machine, cal, models)
		if *asJSON {
			return writeJSON(stdout, stderr, "project", v)
		}
		printValidation(stdout, v)
		return ExitOK
	case file != nil:
		p, err := engine.ProjectFile(machine, cal, *file, opt)
		if err != nil {
			return fail(stderr, "project", err)
		}
		rep.Models = []engine.Projection{p}
	default:
		ps, skipped := projectCatalog(machine, cal, models, quants, opt)
		rep.Models, rep.Notes = ps, append(rep.Notes, skipped...)
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "project", rep)
	}
	printProjections(stdout, rep, *ctxLen, *prompt)
	return ExitOK
}

// projectUsage is project's help: its synopsis, its flags, and the model IDs and quantizations
// it knows.
func projectUsage(fs *flag.FlagSet, stderr io.Writer) func() {
	return func() {
		fmt.Fprintln(stderr, "usage: slmscope project [--model ID|PATH.gguf] [--quant Q] [--context N] [--prompt N] [--json] [--validate]")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nmodels: %s\nquants: %s\n", strings.Join(engine.CatalogIDs(), ", "), engine.JoinQuants(engine.ProjectedQuants(), ", "))
	}
}

// projectTargets resolves --model: every catalog model when it is empty, one catalog model by
// its ID, or a GGUF file (a path ending in .gguf, or any existing file that is not an ID).
// When it fails it has said why on stderr and returns the exit code.
func projectTargets(modelID string, stderr io.Writer) (models []engine.CatalogModel, file *engine.FileModel, code int, ok bool) {
	if modelID == "" {
		return engine.CatalogModels(), nil, ExitOK, true
	}
	m, isID := engine.CatalogModelByID(modelID)
	if !isID && (strings.HasSuffix(strings.ToLower(modelID), ".gguf") || fileExists(modelID)) {
		fm, err := engine.ReadFileModel(modelID)
		if err != nil {
			return nil, nil, fail(stderr, "project", err), false
		}
		return engine.CatalogModels(), &fm, ExitOK, true
	}
	if !isID {
		fmt.Fprintf(stderr, "slmscope project: no catalog model %q (try one of: %s)\n", modelID, strings.Join(engine.CatalogIDs(), ", "))
		return nil, nil, ExitUsage, false
	}
	return []engine.CatalogModel{m}, nil, ExitOK, true
}

// projectQuants resolves --quant: the default quants when it is empty, else its list; false
// (said on stderr) when a name is not a quantization.
func projectQuants(quantFlag string, stderr io.Writer) ([]engine.Quant, bool) {
	if quantFlag == "" {
		return engine.DefaultQuants(), true
	}
	qs, err := engine.ParseQuantList(quantFlag)
	if err != nil {
		fmt.Fprintf(stderr, "slmscope project: %s\n", oneLine(err.Error()))
		return nil, false
	}
	return qs, true
}

// newProjectReport starts the report on the machine ms describes: when it was calibrated, its
// notes, and notes on a missing GPU or bandwidth measurement. Its warnings go to stderr.
func newProjectReport(ms engine.MachineState, stderr io.Writer) projectReport {
	rep := projectReport{}
	machine := ms.Machine
	if ms.Calibrated() {
		rep.Calibrated = true
		w := ms.Calibration.When
		rep.CalibrationWhen = &w
	}
	rep.Notes = append(rep.Notes, ms.Notes...)
	for _, w := range ms.Warnings {
		fmt.Fprintf(stderr, "slmscope project: warning: %s\n", oneLine(w))
	}
	if machine.GPUNote != "" {
		rep.Notes = append(rep.Notes, machine.GPUNote)
	}
	if machine.MeasuredBandwidthGBs == 0 {
		rep.Notes = append(rep.Notes, "no memory bandwidth measured: speeds rest on an assumed 20 GB/s (run `slmscope probe` to measure it)")
	}
	rep.Machine = machine
	return rep
}

// projectCatalog projects models at quants on machine, with a note for each model and quant it
// had to skip. The projections are never nil, so JSON lists none as [].
func projectCatalog(machine engine.MachineSpec, cal engine.Calibration, models []engine.CatalogModel, quants []engine.Quant, opt engine.ProjectionOptions) (ps []engine.Projection, skipped []string) {
	ps, errs := engine.ProjectWith(machine, cal, models, quants, opt)
	for _, e := range errs {
		skipped = append(skipped, "skipped: "+oneLine(e.Error()))
	}
	if ps == nil {
		ps = []engine.Projection{}
	}
	return ps, skipped
}

func printProjections(w io.Writer, rep projectReport, ctxLen, prompt int) {
	printAnswer(w, rep.Models, prompt)
	for _, n := range rep.Notes {
		fmt.Fprintln(w, n)
	}
	if rep.CalibrationWhen != nil {
		fmt.Fprintf(w, "calibration: measured %s\n", rep.CalibrationWhen.Local().Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(w, "context %d tokens, time to first token for a %d-token prompt\n\n", ctxLen, prompt)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tQUANT\tPARAMS\tMEMORY\tFITS\tTOK/S (BAND)\tTTFT\tCOST/1M TOK\tSOURCE")
	for _, p := range rep.Models {
		fits := "no"
		switch {
		case p.FitVerdict.Placement == engine.PlacePartial:
			fits = fmt.Sprintf("%d/%d GPU", p.FitVerdict.GPULayers, p.FitVerdict.TotalLayers)
			if p.FitVerdict.ExpertsInRAM {
				fits = fmt.Sprintf("%d/%d experts in RAM", p.FitVerdict.CPUExpertLayers, p.FitVerdict.TotalLayers)
			}
		case p.Fits && p.FitVerdict.Placement == engine.PlaceGPU:
			fits = "GPU"
		case p.Fits:
			fits = "RAM"
		case p.FitVerdict.Placement == engine.PlaceUnknown:
			fits = "?"
		}
		ttft := "-"
		if p.TTFTMs > 0 {
			ttft = fmt.Sprintf("%.2f s", p.TTFTMs/1000)
		}
		cost := "-"
		if p.Cost.TotalPerMTok > 0 {
			cost = fmt.Sprintf("%.3f %s", p.Cost.TotalPerMTok, p.Cost.Currency)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2fB\t%s\t%s\t%s (%s–%s)\t%s\t%s\t%s\n", p.ID, p.Quant, float64(p.Params)/1e9,
			units.Bytes(p.MemoryBytes), fits, tps(p.DecodeTPS), tps(p.DecodeTPSLow), tps(p.DecodeTPSHigh), ttft, cost, p.Label())
	}
	tw.Flush()
	fmt.Fprintln(w, "\nmeasured = a run of that model and quant on this machine (moved to this prompt length by the fitted cost")
	fmt.Fprintln(w, "of the positions between); projected = fitted on this machine's runs; uncalibrated = from bandwidth and")
	fmt.Fprintln(w, "published efficiency only. `--json` shows each row's basis.")
}

// printAnswer writes the answer first, as the Compare screen opens on it: the models grouped
// by verdict, each once at its best quantization, with its full name.
func printAnswer(w io.Writer, ps []engine.Projection, prompt int) {
	groups := engine.Answer(ps)
	if len(groups) == 0 {
		return
	}
	for _, g := range groups {
		fmt.Fprintf(w, "%s:\n", g.Title)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, p := range g.Models {
			speed := engine.AnswerSpeed(p)
			if b := engine.AnswerBand(p); b != "" {
				speed += " (" + b + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\tfirst token %s\t%s\n", p.Name, engine.AnswerQuant(p), speed, engine.AnswerMemory(p), engine.TTFTText(p), engine.Badge(p))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "(each model at its best quantization here; first token for a %d-token prompt; every row below)\n\n", prompt)
}

func tps(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func printValidation(w io.Writer, v engine.Validation) {
	if v.Note != "" {
		fmt.Fprintln(w, v.Note)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if len(v.Models) > 0 {
		fmt.Fprintln(tw, "MODEL\tQUANT\tDEVICE\tMEASURED TOK/S\tPROJECTED FROM OTHERS\tERROR")
		for _, c := range v.Models {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%.1f\t%+.1f%%\n", c.ID, c.Quant, c.Device, c.MeasuredTPS, c.ProjectedTPS, c.ErrorPct)
		}
		tw.Flush()
		fmt.Fprintf(w, "median absolute decode error: %.1f%%; %s of runs inside the band projected without them (median band ±%.1f%%)\n",
			v.MedianAbsErrorPct, units.Percent(v.BandCoverage), v.MedianBandPct)
		for _, te := range v.PerType {
			fmt.Fprintf(w, "  %s: %d run(s), median error %.1f%%, worst %.1f%%, %s inside the band\n", te.Name, te.Runs, te.MedianAbsErrorPct, te.MaxAbsErrorPct, units.Percent(te.BandCoverage))
		}
		if len(v.Prompt) > 0 {
			fmt.Fprintf(w, "median absolute prompt-speed error: %.1f%%\n", v.PromptMedianAbsErrorPct)
		}
		printExtrapolation(w, v)
		fmt.Fprintln(w)
	}
	if len(v.Memory) == 0 {
		return
	}
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tQUANT\tCONTEXT\tESTIMATED\tMEASURED PEAK RSS\tERROR")
	for _, c := range v.Memory {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%+.1f%%\n", c.ID, c.Quant, c.Context, units.Bytes(c.EstimatedBytes), units.Bytes(c.MeasuredPeakRSSBytes), c.ErrorPct)
	}
	tw.Flush()
	fmt.Fprintf(w, "memory error: median %.1f%%, worst %.1f%%\n", v.MedianAbsMemoryErrorPct, v.MaxAbsMemoryErrorPct)
}

// printExtrapolation lists the largest runs projected from the smaller ones only.
func printExtrapolation(w io.Writer, v engine.Validation) {
	if len(v.Extrapolation) == 0 {
		fmt.Fprintln(w, "extrapolation: too few runs 1.5× smaller than the largest to project them from the smaller ones alone")
		return
	}
	fmt.Fprintln(w, "extrapolation (the largest runs projected from the runs 1.5× smaller only):")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  MODEL\tQUANT\tREACH\tMEASURED TOK/S\tPROJECTED\tERROR\tBAND")
	for _, c := range v.Extrapolation {
		fmt.Fprintf(tw, "  %s\t%s\t%.1f doublings\t%.1f\t%.1f\t%+.1f%%\t±%.1f%%\n", c.ID, c.Quant, c.Doublings, c.MeasuredTPS, c.ProjectedTPS, c.ErrorPct, c.BandPct)
	}
	tw.Flush()
	fmt.Fprintf(w, "extrapolation: median error %.1f%%, %s inside their bands\n", v.ExtrapolationMedianAbsErrorPct, units.Percent(v.ExtrapolationBandCoverage))
}

// fileExists reports whether path names an existing regular file.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
