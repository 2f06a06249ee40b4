package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// oneLine folds a multi-line error into the single stderr line the exit-1 contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// newFlags is a command's flag set; usage and parse errors go to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseArgs parses a command's arguments, which take no positional arguments. When it
// returns false the command returns code at once: ExitOK for -h, ExitUsage for a bad flag or
// a stray argument (named, with where to read the usage).
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "slmscope %s: unexpected argument %q (see `slmscope %s -h`)\n", fs.Name(), fs.Arg(0), fs.Name())
		return ExitUsage, false
	}
	return ExitOK, true
}

// fail says err on one line of stderr, prefixed by the command, and returns ExitFail.
func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "slmscope %s: %s\n", name, oneLine(err.Error()))
	return ExitFail
}
