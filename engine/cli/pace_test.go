package cli

import (
	"path/filepath"
	"testing"
)

// Without a calibration there is no pace to compare with: pace and bench --pace say so on one
// line, before any model runs, and fail.
func TestPaceWithoutCalibration(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	for _, tc := range []cliCase{
		{"pace", []string{"pace"}, ExitFail, "", "has not been measured yet"},
		{"pace --json", []string{"pace", "--json"}, ExitFail, "", "run `slmscope calibrate`"},
		{"extra arg", []string{"pace", "now"}, ExitUsage, "", "unexpected argument"},
		{"bench --pace, before it measures", []string{"bench", "--pace"}, ExitFail, "", "bench: --pace: no pace to check against"},
	} {
		tc.check(t)
	}
}
