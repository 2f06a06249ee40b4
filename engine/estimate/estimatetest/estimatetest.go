// Package estimatetest reads the recorded calibrations in the repository's testdata folders
// for the tests of the packages that project from them (table, report, ui).
package estimatetest

import (
	"encoding/json"
	"os"
	"testing"

	"slmscope/engine/estimate"
)

// Calibration reads one calibration written as JSON (`slmscope calibrate --json`'s
// calibration, or a fixture such as engine/table/testdata/calibration.json); a file that is
// missing or not a calibration fails the test.
func Calibration(t testing.TB, path string) estimate.Calibration {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cal estimate.Calibration
	if err := json.Unmarshal(b, &cal); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cal
}
