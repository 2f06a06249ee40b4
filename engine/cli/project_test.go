package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/table"
	"slmscope/engine/twin"
)

func TestProjectCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calibration.json")
	cal := estimate.Calibration{Key: "test-machine", When: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),
		Machine: estimate.MachineSpec{RAMAvailableBytes: 8e9, MeasuredBandwidthGBs: 15, CPUCores: 2},
		Measurements: []estimate.Measurement{
			{ModelID: "smollm2-135m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 90, PromptTPS: 600, TTFTMs: 840, PeakRSSBytes: 200e6, Twin: true},
			{ModelID: "smollm2-360m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 38, PromptTPS: 230, PeakRSSBytes: 460e6, Twin: true},
			{ModelID: "qwen2.5-0.5b", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 26, PromptTPS: 170, PeakRSSBytes: 640e6, Twin: true},
		}}
	if err := estimate.SaveCalibration(path, cal); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "tiny.gguf")
	if err := twin.Write(context.Background(), catalog.Tiny, twin.Q4_0, file, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"file", []string{"--json", "--model", file, "--context", "512", "--prompt", "64"}, ExitOK, []string{`"quant": "Q4_0"`, `"source": "projected"`, `"ttft_ms"`}},
		{"json", []string{"--json", "--model", "smollm2-135m", "--quant", "q8_0,q4_k_m"}, ExitOK, []string{`"models"`, `"decode_tps_low"`, `"source": "measured"`, `"source": "projected"`}},
		{"table", []string{"--model", "llama-3.1-8b"}, ExitOK, []string{"llama-3.1-8b", "Q4_K_M", "BF16", "projected"}},
		{"validate", []string{"--validate", "--json"}, ExitOK, []string{`"median_abs_error_pct"`, `"measured_peak_rss_bytes"`, `"projected_tps"`, `"band_coverage"`, `"per_type"`}},
		{"validate table", []string{"--validate"}, ExitOK, []string{"median absolute decode error"}},
		{"bad model", []string{"--model", "gpt-9"}, ExitUsage, nil},
		{"bad quant", []string{"--quant", "Q9"}, ExitUsage, nil},
		{"bad context", []string{"--context", "0"}, ExitUsage, nil},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		args := append([]string{"project", "--no-probe", "--calibration", path}, tc.args...)
		if code := Run(args, &out, &errb); code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %s)", tc.name, code, tc.code, errb.String())
			continue
		}
		for _, s := range tc.contains {
			if !strings.Contains(out.String(), s) {
				t.Errorf("%s: output lacks %s:\n%s", tc.name, s, out.String())
			}
		}
		if tc.code == ExitUsage && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
			t.Errorf("%s: usage error is not one line: %q", tc.name, errb.String())
		}
	}
	var rep struct {
		Models []estimate.Projection `json:"models"`
	}
	var out bytes.Buffer
	Run([]string{"project", "--no-probe", "--calibration", path, "--json"}, &out, &bytes.Buffer{})
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Models) == 0 {
		t.Fatalf("json: %v (%d models)", err, len(rep.Models))
	}
}

// The table output opens with the answer: the groups, with full names.
func TestProjectCommandStartsWithTheAnswer(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calibration.json")
	var out, errb bytes.Buffer
	if code := Run([]string{"project", "--no-probe", "--calibration", path}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(out.String(), "\n")
	titles := map[string]bool{}
	for k := table.GroupWell; k <= table.GroupUnknown; k++ {
		titles[k.Title()+":"] = true
	}
	if !titles[lines[0]] {
		t.Fatalf("first line %q, want a group of the answer:\n%s", lines[0], out.String())
	}
	head := out.String()[:strings.Index(out.String(), "MODEL")]
	for _, m := range catalog.All() {
		if strings.Count(head, "  "+m.Name+" ") != 1 {
			t.Errorf("%s is not listed once by its full name before the table:\n%s", m.Name, head)
		}
	}
	if !strings.Contains(head, "tok/s") {
		t.Errorf("answer lacks the speeds:\n%s", head)
	}
}

func TestProjectCommandWithoutCalibration(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "calibration.json")
	var out, errb bytes.Buffer
	if code := Run([]string{"project", "--no-probe", "--calibration", path, "--model", "qwen2.5-7b"}, &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "uncalibrated") {
		t.Errorf("not labelled uncalibrated:\n%s", out.String())
	}
	// A corrupt cache: a one-line warning, still projections.
	os.WriteFile(path, []byte("garbage"), 0o644)
	out.Reset()
	errb.Reset()
	if code := Run([]string{"project", "--no-probe", "--calibration", path, "--model", "qwen2.5-7b", "--json"}, &out, &errb); code != ExitOK {
		t.Fatalf("corrupt cache: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "moved to") || !strings.Contains(out.String(), `"models"`) {
		t.Errorf("corrupt cache: stderr %q", errb.String())
	}
}
