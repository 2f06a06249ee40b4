package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"slmscope/engine"
)

// badInputs prints every input error in errs on one line each, prefixed by cmd, and reports
// whether there was any: the caller then exits with ExitUsage.
func badInputs(stderr io.Writer, cmd string, errs ...error) bool {
	err := errors.Join(errs...)
	if err == nil {
		return false
	}
	for _, e := range errs {
		if e != nil {
			fmt.Fprintf(stderr, "%s: %s\n", cmd, oneLine(e.Error()))
		}
	}
	return true
}

// tokenCount checks a --prompt/--gen-tokens style flag: at least lowest, at most
// engine.MaxGenTokens.
func tokenCount(flag string, n, lowest int) error {
	if n < lowest {
		return &engine.InputError{Field: flag, Problem: fmt.Sprintf("%d is too small: give at least %d", n, lowest)}
	}
	return engine.CheckGenTokens(flag, n)
}

// positiveContext checks a --context flag that must be set (no 0 default).
func positiveContext(n int) error {
	if n <= 0 {
		return &engine.InputError{Field: "--context", Problem: fmt.Sprintf("%d is not a token count: give a positive size such as 4096", n)}
	}
	return engine.CheckContext(n)
}

// outputPath refuses an output path that exists but is not a regular file (a named pipe or
// device would block or swallow the write; a folder cannot be replaced).
func outputPath(flag, path string) error {
	st, err := os.Stat(path)
	if err != nil || st.Mode().IsRegular() {
		return nil
	}
	return &engine.InputError{Field: flag, Problem: fmt.Sprintf("%s is %s, not a file slmscope can write: choose a file name", path, engine.DescribeFileMode(st.Mode()))}
}
