package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"slmscope/engine"
)

func init() {
	register("pace", "run one twin of the calibration again: is this machine at the pace it was calibrated at?", paceCommand)
}

// paceCommand runs engine.CheckPace on this machine's stored calibration: before a class
// demo, or beside a measurement that fell outside its band, it says whether the machine
// itself runs slower than when it was calibrated.
func paceCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("pace", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object (the same as bench --pace's \"pace\")")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ms, cache := benchMachine(ctx)
	progress := func(s string) {
		if !*asJSON {
			fmt.Fprintln(stderr, s)
		}
	}
	p, err := engine.CheckPace(ctx, ms, cache, engine.Options{}, progress)
	if err != nil {
		fmt.Fprintln(stderr, "pace:", oneLine(err.Error()))
		return ExitFail
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "pace", p)
	}
	fmt.Fprintln(stdout, p.Why)
	return ExitOK
}
