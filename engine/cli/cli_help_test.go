package cli

import (
	"bytes"
	"sort"
	"testing"
)

// Every command answers -h with its usage on stderr and exit code 0, and a stray argument
// with exit code 2 and a line naming it.
func TestEveryCommandHelpAndStrayArgument(t *testing.T) {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "worker" { // started by slmscope itself, with no flags
			continue
		}
		var out, errb bytes.Buffer
		if code := Run([]string{name, "-h"}, &out, &errb); code != ExitOK {
			t.Errorf("slmscope %s -h: exit %d, want %d (stderr %q)", name, code, ExitOK, errb.String())
		}
		if !bytes.Contains(bytes.ToLower(errb.Bytes()), []byte("usage")) {
			t.Errorf("slmscope %s -h printed no usage: %q", name, errb.String())
		}
	}
	for _, name := range []string{"calibrate", "probe", "bench", "report", "runs"} {
		var out, errb bytes.Buffer
		if code := Run([]string{name, "--no-such-flag"}, &out, &errb); code != ExitUsage {
			t.Errorf("slmscope %s --no-such-flag: exit %d, want %d", name, code, ExitUsage)
		}
	}
}
