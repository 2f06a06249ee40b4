package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("class", "add up a folder of result files: machines × models, what the room can run, predictions (class DIR)", runClass)
}

func runClass(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("class", stderr)
	asJSON := fs.Bool("json", false, "print JSON: {machines:[…], rejected:[{file, reason}], can_run, predictions, median, rpc, …}")
	out := fs.String("out", "", "also write a self-contained offline HTML report to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: slmscope class DIR [--json] [--out class.html]")
		fs.PrintDefaults()
	}
	// the folder may come before or after the flags
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if fs.NArg() > 0 || dir == "" {
		fmt.Fprintln(stderr, "slmscope class: usage: slmscope class DIR [--json] [--out class.html] (one folder of result files)")
		return ExitUsage
	}
	if *out != "" && badInputs(stderr, "slmscope class", outputPath("--out", *out)) {
		return ExitUsage
	}
	c, err := engine.LoadClass(dir)
	if err != nil {
		return fail(stderr, "class", err)
	}
	if *out != "" {
		if err := engine.SaveClassHTML(*out, c); err != nil {
			return fail(stderr, "class", err)
		}
		abs, _ := filepath.Abs(*out)
		fmt.Fprintf(stderr, "slmscope class: wrote %s (open it in any browser; it works offline)\n", abs)
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "class", c)
	}
	printClass(stdout, c)
	return ExitOK
}

// printClass writes the class view as text.
func printClass(w io.Writer, c engine.Class) {
	fmt.Fprintf(w, "%d machines in %s\n\n", len(c.Machines), c.Dir)
	if len(c.Machines) > 0 {
		t := c.MachinesTable()
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(t.Header, "\t")))
		for _, r := range t.Rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		tw.Flush()
		fmt.Fprintln(w, "(speeds, times to first token and memory measured on each machine)")
		fmt.Fprintln(w)
		for _, cr := range c.CanRun {
			fmt.Fprintln(w, "Can run "+cr.String()+" (slmscope's fit rule on each machine's own memory)")
		}
		fmt.Fprintln(w, c.MedianText())
		fmt.Fprintln(w, "Predictions: "+c.Predictions.Summary())
		for _, p := range c.RPC {
			if p.Machines == 0 {
				fmt.Fprintf(w, "%s %s needs %s: more than all these machines together (%s)\n", p.Model, p.Quant, units.GB(p.NeedBytes), p.Label)
				continue
			}
			fmt.Fprintf(w, "%s %s over RPC: %d machines × %s, %s per token across the network (%s)\n", p.Model, p.Quant, p.Machines,
				units.GB(p.PerMachineBytes), units.Bytes(p.TrafficPerTokenBytes), p.Label)
		}
	}
	for _, r := range c.Rejected {
		fmt.Fprintf(w, "left out %s: %s\n", r.File, r.Reason)
	}
	for _, r := range c.Superseded {
		fmt.Fprintf(w, "left out %s: %s\n", r.File, r.Reason)
	}
}
