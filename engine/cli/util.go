package cli

import (
	"encoding/json"
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
	if code, ok := parseFlags(fs, args); !ok {
		return code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "slmscope %s: unexpected argument %q (see `slmscope %s -h`)\n", fs.Name(), fs.Arg(0), fs.Name())
		return ExitUsage, false
	}
	return ExitOK, true
}

// parseFlags parses a command's flags and leaves its positional arguments to the caller.
// When it returns false the command returns code at once: ExitOK for -h, ExitUsage for a bad
// flag (the flag package has already said which on the flag set's output).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	return ExitOK, true
}

// isHelp says whether arg (a command, or a sub-command's place) asks for the usage.
func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// writeJSON prints v to stdout as indented JSON for a command's --json output. A write that
// fails is said on one line of stderr, prefixed by the command, and returns ExitFail.
func writeJSON(stdout, stderr io.Writer, name string, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fail(stderr, name, fmt.Errorf("cannot write the JSON: %w", err))
	}
	return ExitOK
}

// fail says err on one line of stderr, prefixed by the command, and returns ExitFail.
func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "slmscope %s: %s\n", name, oneLine(err.Error()))
	return ExitFail
}
