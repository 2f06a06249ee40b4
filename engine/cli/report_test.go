package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/assets"
	"slmscope/engine/estimate"
)

func TestReportCommand(t *testing.T) {
	if _, err := assets.EChartsJS(); errors.Is(err, assets.ErrNotSetUp) {
		t.Skip("runtime files not set up: run `make setup`")
	}
	dir := t.TempDir()
	calPath := filepath.Join(dir, "calibration.json")
	cal := estimate.Calibration{Key: "test-machine", When: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC),
		Machine: estimate.MachineSpec{RAMTotalBytes: 16e9, RAMAvailableBytes: 8e9, MeasuredBandwidthGBs: 15, CPUCores: 2, CPUName: "Test CPU"},
		Measurements: []estimate.Measurement{
			{ModelID: "smollm2-135m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 90, PromptTPS: 600, TTFTMs: 840, PeakRSSBytes: 200e6, Twin: true},
			{ModelID: "smollm2-360m", Quant: "Q8_0", Context: 2048, PromptTokens: 512, GenTPS: 38, PromptTPS: 230, TTFTMs: 2200, PeakRSSBytes: 460e6, Twin: true},
		}}
	if err := estimate.SaveCalibration(calPath, cal); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.html")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		wantFile bool
	}{
		{"writes the report", []string{"--out", out, "--no-probe", "--calibration", calPath, "--context", "8192"}, ExitOK, "wrote", true},
		{"no --out", []string{"--no-probe"}, ExitUsage, "", false},
		{"bad context", []string{"--out", out, "--context", "-1"}, ExitUsage, "", false},
		{"stray argument", []string{"--out", out, "extra"}, ExitUsage, "", false},
		{"--no-probe without a calibration", []string{"--out", out, "--no-probe", "--calibration", filepath.Join(dir, "none.json")}, ExitFail, "", false},
		{"unwritable folder", []string{"--out", filepath.Join(dir, "missing", "r.html"), "--no-probe", "--calibration", calPath}, ExitFail, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			var stdout, stderr bytes.Buffer
			if code := runReport(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr.String())
			}
			if tc.code != ExitOK && (stderr.Len() == 0 || strings.Count(strings.TrimSpace(stderr.String()), "\n") > 20) {
				t.Errorf("stderr %q: want a clear message", stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.stdout)
			}
			b, err := os.ReadFile(out)
			if tc.wantFile != (err == nil) {
				t.Fatalf("file written = %v, want %v", err == nil, tc.wantFile)
			}
			if tc.wantFile {
				html := string(b)
				for _, want := range []string{"<!DOCTYPE html>", "context 8192 tokens", "Test CPU", "stored with the calibration", "● measured"} {
					if !strings.Contains(html, want) {
						t.Errorf("report lacks %q", want)
					}
				}
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".slmscope-report-*")); len(m) > 0 {
				t.Errorf("temporary files left behind: %v", m)
			}
		})
	}
}
