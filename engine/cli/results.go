package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/lessons"
)

func init() {
	register("results", "save this machine's signed result file for the class view (results save --out FILE)", runResults)
}

func runResults(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "save" {
		fmt.Fprintln(stderr, "usage: slmscope results save [--name LABEL] --out FILE.json")
		if len(args) == 1 && isHelp(args[0]) {
			return ExitOK
		}
		return ExitUsage
	}
	fs := newFlags("results save", stderr)
	name := fs.String("name", "", "a label for this machine on the class view (e.g. \"Desk 4\"); no paths")
	out := fs.String("out", "", "the result file to write (required)")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() > 0 || *out == "" {
		fmt.Fprintln(stderr, "slmscope results save: give the file to write with --out FILE.json (and no other arguments)")
		return ExitUsage
	}
	if err := engine.CheckResultLabel(*name); err != nil {
		fmt.Fprintln(stderr, "slmscope results save: --name:", oneLine(err.Error()))
		return ExitUsage
	}
	if badInputs(stderr, "slmscope results save", outputPath("--out", *out)) {
		return ExitUsage
	}
	ms, err := engine.LoadMachine(context.Background(), engine.MachineOptions{})
	if err != nil {
		return fail(stderr, "results save", err)
	}
	for _, w := range ms.Warnings {
		fmt.Fprintln(stderr, "slmscope results save: warning:", oneLine(w))
	}
	preds := lessonsPredictions(stderr)
	r, problems, err := engine.SaveResults(ms, *name, *out, preds)
	for _, p := range problems {
		fmt.Fprintln(stderr, "slmscope results save: note:", oneLine(p))
	}
	if err != nil {
		return fail(stderr, "results save", err)
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "wrote %s: %s, %s, %s, signed by this installation's key\n", abs, r.DisplayName(), units.Count(len(r.Runs), "run"), units.Count(len(r.Predictions), "prediction"))
	return ExitOK
}

// lessonsPredictions reads the learner's prediction record from the progress file (none
// when it cannot be read: the file is still saved, and the warning says why).
func lessonsPredictions(stderr io.Writer) []engine.Prediction {
	path, err := lessons.DefaultProgressPath()
	if err != nil {
		fmt.Fprintln(stderr, "slmscope results save: warning: no prediction record:", oneLine(err.Error()))
		return nil
	}
	st := lessons.OpenStore(path)
	if w := st.Warning(); w != "" {
		fmt.Fprintln(stderr, "slmscope results save: warning:", oneLine(w))
	}
	return st.Predictions()
}
