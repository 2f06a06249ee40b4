package estimate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/hwprobe"
)

func TestCalibrationCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slmscope", "calibration.json")
	if _, err := LoadCalibration(path, "a"); !errors.Is(err, ErrNoCalibration) {
		t.Fatalf("missing file: %v", err)
	}
	t1 := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	a := Calibration{Key: "a", When: t1, Measurements: []Measurement{{ModelID: "smollm2-135m", Quant: "Q8_0", GenTPS: 90}}}
	b := Calibration{Key: "b", When: t1.Add(time.Hour)}
	for _, c := range []Calibration{a, b} {
		if err := SaveCalibration(path, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LoadCalibration(path, "a")
	if err != nil || got.Key != "a" || len(got.Measurements) != 1 || got.Measurements[0].GenTPS != 90 || !got.When.Equal(t1) {
		t.Errorf("load a: %+v %v", got, err)
	}
	if got, _ := LoadCalibration(path, ""); got.Key != "b" {
		t.Errorf("newest is %q, want b", got.Key)
	}
	if _, err := LoadCalibration(path, "c"); !errors.Is(err, ErrNoCalibration) {
		t.Errorf("unknown key: %v", err)
	}
	if all, _ := ListCalibrations(path); len(all) != 2 || all[0].Key != "b" {
		t.Errorf("list %+v", all)
	}
	if err := SaveCalibration(path, Calibration{}); err == nil {
		t.Error("saved a calibration without a key")
	}
}

func TestCalibrationCacheCorrupt(t *testing.T) {
	tests := []struct{ name, content string }{
		{"not json", "{\"version\": 1, \"entries\": "},
		{"wrong version", `{"version": 99, "entries": {}}`},
		{"wrong shape", `[1, 2, 3]`},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, "calibration.json")
		os.WriteFile(path, []byte(tc.content), 0o644)
		_, err := LoadCalibration(path, "a")
		if err == nil || !errors.Is(err, ErrNoCalibration) || !strings.Contains(err.Error(), "moved it to") && !strings.Contains(err.Error(), "moved to") {
			t.Errorf("%s: error %v", tc.name, err)
			continue
		}
		if _, serr := os.Stat(path); !os.IsNotExist(serr) {
			t.Errorf("%s: corrupt file still in place", tc.name)
		}
		aside, _ := filepath.Glob(path + ".corrupt-*")
		if len(aside) != 1 {
			t.Errorf("%s: %d files moved aside", tc.name, len(aside))
		} else if data, _ := os.ReadFile(aside[0]); string(data) != tc.content {
			t.Errorf("%s: moved file lost its content", tc.name)
		}
		// Saving afterwards starts a clean file.
		if err := SaveCalibration(path, Calibration{Key: "a", When: time.Now()}); err != nil {
			t.Errorf("%s: save after corruption: %v", tc.name, err)
		}
		if _, err := LoadCalibration(path, "a"); err != nil {
			t.Errorf("%s: load after save: %v", tc.name, err)
		}
	}
}

func TestUsableRAM(t *testing.T) {
	tests := []struct {
		m    MachineSpec
		want int64
	}{
		{MachineSpec{RAMAvailableBytes: 8, RAMTotalBytes: 16}, 8},
		{MachineSpec{RAMTotalBytes: 16}, 16},
		{MachineSpec{RAMAvailableBytes: 8, CgroupLimitBytes: 4}, 4},
		{MachineSpec{RAMAvailableBytes: 8, CgroupLimitBytes: 12}, 8},
		{MachineSpec{CgroupLimitBytes: 4}, 4},
		{MachineSpec{}, 0},
	}
	for _, tc := range tests {
		if got := tc.m.UsableRAM(); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.m, got, tc.want)
		}
	}
}

func TestMachineFromReport(t *testing.T) {
	r := &hwprobe.Report{OS: "darwin", Arch: "arm64"}
	r.RAM.TotalBytes, r.RAM.AvailableBytes, r.RAM.HostTotalBytes = 16e9, 9e9, 16e9
	r.CPU.Model, r.CPU.PhysicalCores, r.CPU.LogicalCores = "Apple M2", 8, 8
	r.Bandwidth.ReadGBps = 90
	r.Power.BatteryPercent = 80
	r.GPUs = []hwprobe.GPU{{Vendor: "Apple", Name: "Apple M2", MemoryTotalBytes: 11e9, UnifiedMemory: true, BandwidthGBps: 100}}
	m := MachineFromReport(r)
	if m.UsableRAM() != 9e9 || m.CPUCores != 8 || m.MeasuredBandwidthGBs != 90 || !m.Laptop || m.AppleWorkingSetBytes != 11e9 ||
		len(m.GPUs) != 1 || !m.GPUs[0].Unified || m.GPUs[0].BandwidthGBs != 100 {
		t.Errorf("machine %+v", m)
	}
	k := HardwareKey(r)
	if k != "darwin|arm64|Apple M2|8c|16GB|Apple M2" {
		t.Errorf("key %q", k)
	}
	r.RAM.AvailableBytes = 3e9 // free memory moves; the key does not
	if HardwareKey(r) != k {
		t.Error("key changed with free memory")
	}
	r.LlamaDevices = []hwprobe.LlamaDevice{{Name: "CPU", Type: "CPU"}}
	if m := MachineFromReport(r); len(m.GPUs) != 0 || m.GPUNote == "" {
		t.Errorf("CPU-only llama.cpp: GPUs %+v, note %q", m.GPUs, m.GPUNote)
	}
	r.LlamaDevices = append(r.LlamaDevices, hwprobe.LlamaDevice{Name: "MTL0", Type: "GPU"})
	if m := MachineFromReport(r); len(m.GPUs) != 1 || m.GPUNote != "" {
		t.Errorf("Metal llama.cpp: GPUs %+v, note %q", m.GPUs, m.GPUNote)
	}
	if MachineFromReport(nil).UsableRAM() != 0 || HardwareKey(nil) != "" {
		t.Error("nil report")
	}
}
