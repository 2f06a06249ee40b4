package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/estimate"
)

// `--calibration FILE` also reads `slmscope calibrate --json` output (and the fixtures' single
// calibrations) as it is, and leaves it where it was, byte for byte: before, such a file was
// taken for a corrupt cache and moved aside (a garbled cache still is, TestProjectCommandWithoutCalibration).
func TestProjectCalibrationFileIsTheUsers(t *testing.T) {
	dir := t.TempDir()
	cal := estimate.Calibration{Key: "test-machine", When: time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC),
		Machine: estimate.MachineSpec{RAMAvailableBytes: 8e9, MeasuredBandwidthGBs: 15, CPUCores: 2},
		Measurements: []estimate.Measurement{
			{ModelID: "smollm2-135m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 90, PromptTPS: 600, TTFTMs: 840, PeakRSSBytes: 200e6, Twin: true},
			{ModelID: "smollm2-360m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 38, PromptTPS: 230, PeakRSSBytes: 460e6, Twin: true},
		}}
	printed, err := json.Marshal(struct {
		estimate.Calibration
		Quality calibrationQuality `json:"quality"`
	}{cal, calibrationQuality{Runs: 2}})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := json.Marshal(cal)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body string
		code       int
		want       string
	}{
		{"calibrate --json output", string(printed), ExitOK, `"source": "measured"`},
		{"a bare calibration", string(bare), ExitOK, `"source": "measured"`},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := Run([]string{"project", "--no-probe", "--calibration", path, "--model", "smollm2-135m", "--quant", "Q8_0", "--json"}, &out, &errb)
		got := out.String() + errb.String()
		if code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", tc.name, code, tc.code, tc.want, got)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != tc.body {
			t.Errorf("%s: the file was moved or changed (%v)", tc.name, err)
		}
		if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) > 0 {
			t.Errorf("%s: moved aside to %v", tc.name, aside)
		}
	}
}
