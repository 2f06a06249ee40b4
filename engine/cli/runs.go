package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("runs", "list the run history: every measurement of the app and the command line", runRuns)
}

// runsReport is `slmscope runs --json`.
type runsReport struct {
	Path     string       `json:"path"`
	Runs     []engine.Run `json:"runs"`
	Problems []string     `json:"problems,omitempty"`
}

func runRuns(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("runs", stderr)
	asJSON := fs.Bool("json", false, "print JSON: {path, runs:[...], problems}")
	last := fs.Int("last", 20, "show the newest N runs (0 = all)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 || *last < 0 {
		fmt.Fprintln(stderr, "slmscope runs: usage: slmscope runs [--json] [--last N]")
		return ExitUsage
	}
	path, err := engine.RunHistoryPath()
	if err != nil {
		return fail(stderr, "runs", err)
	}
	rs, problems, err := engine.LoadRuns(path)
	if err != nil {
		return fail(stderr, "runs", err)
	}
	if *last > 0 && len(rs) > *last {
		rs = rs[len(rs)-*last:]
	}
	if rs == nil {
		rs = []engine.Run{}
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "runs", runsReport{Path: path, Runs: rs, Problems: problems})
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, "slmscope runs: warning:", p)
	}
	if len(rs) == 0 {
		fmt.Fprintf(stdout, "No runs yet in %s: run a model on Live run, press ▶ on Compare, or use `slmscope bench`.\n", path)
		return ExitOK
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tFROM\tMODEL\tTHREADS\tPROMPT\tTTFT\tGENERATION\tPEAK MEMORY")
	for _, r := range rs {
		gen := genFigure(r)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d tok, %s\t%s\t%d tok, %s\t%s\n", r.When.Local().Format("2006-01-02 15:04"), r.Origin, r.Label,
			r.Threads, r.PromptTokens, units.TokPerSec(r.PromptTPS), units.Millis(r.TTFTMs), r.GenTokens, gen, units.Bytes(r.PeakRSSBytes))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "measured on this machine; \"disturbed\": other programs slowed the run; \"uneven\": a tail of slow tokens that other programs do not explain; history in %s\n", path)
	return ExitOK
}

// genFigure is a run's generation speed, marked when other programs slowed it or its tokens
// came unevenly.
func genFigure(r engine.Run) string {
	gen := units.TokPerSec(r.GenTPS)
	if r.Interference != nil && r.Interference.Disturbed {
		return gen + " (disturbed)"
	}
	if engine.SteadinessOf(r.GenTokens, r.GenTPS, r.TokenMsP50, r.TokenMsP95).Uneven {
		return gen + " (uneven)"
	}
	return gen
}
