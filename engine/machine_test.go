package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"slmscope/engine/estimate"
	"slmscope/hwprobe"
)

// TestMachineOneStateForEveryObserver loads a fake machine, then re-measures it the two ways
// the app does (a calibration, a bandwidth Remeasure): every observer sees each new figure,
// the calibration is merged and saved, and a live RAM reading does not bump the revision.
func TestMachineOneStateForEveryObserver(t *testing.T) {
	hw := &hwprobe.Report{RAM: hwprobe.RAM{TotalBytes: 16e9, AvailableBytes: 12e9},
		Bandwidth: hwprobe.Bandwidth{ReadGBps: 8.4, Source: "probe", TheoreticalGBps: 40, TheoreticalSource: "DMI"}}
	old := estimate.Calibration{Key: "k", Measurements: []estimate.Measurement{{ModelID: "a", Quant: "Q8_0", GenTPS: 1}}}
	var saved []estimate.Calibration
	h := &MachineHub{Save: func(_ string, c estimate.Calibration) error { saved = append(saved, c); return nil }}
	var seen []MachineState
	stop := h.Observe(func(s MachineState) { seen = append(seen, s) })
	defer stop()
	opts := MachineOptions{
		Probe:           func(context.Context, hwprobe.Options) (*hwprobe.Report, error) { return hw, nil },
		LoadCalibration: func(string, string) (estimate.Calibration, error) { return old, nil },
	}
	s, err := h.LoadOnce(context.Background(), opts)
	if err != nil || s.Machine.MeasuredBandwidthGBs != 8.4 || !s.Calibrated() {
		t.Fatalf("load: %+v, %v", s.Machine, err)
	}
	fresh := estimate.Calibration{Key: "k", When: time.Now(), Machine: estimate.MachineSpec{MeasuredBandwidthGBs: 11.2},
		Measurements: []estimate.Measurement{{ModelID: "b", Quant: "Q4_0", GenTPS: 2}}}
	got, err := h.AddCalibration(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got.Machine.MeasuredBandwidthGBs != 11.2 || got.Hardware.Bandwidth.ReadGBps != 11.2 || got.Hardware.Bandwidth.TheoreticalGBps != 40 {
		t.Errorf("after calibration: machine %v GB/s, report %+v", got.Machine.MeasuredBandwidthGBs, got.Hardware.Bandwidth)
	}
	if len(saved) != 1 || len(saved[0].Measurements) != 2 || len(got.Calibration.Measurements) != 2 {
		t.Errorf("merge: saved %d calibrations, state has %d runs", len(saved), len(got.Calibration.Measurements))
	}
	rev := got.Revision
	h.SetRAM(hwprobe.RAM{TotalBytes: 16e9, AvailableBytes: 10e9})
	cur, _ := h.Current()
	if cur.Revision != rev || cur.Machine.UsableRAM() != 10e9 {
		t.Errorf("live RAM: revision %d → %d, usable %d", rev, cur.Revision, cur.Machine.UsableRAM())
	}
	h.SetBandwidth(hwprobe.Bandwidth{ReadGBps: 9.9, Source: "remeasured"})
	cur, _ = h.Current()
	if cur.Revision != rev+1 || cur.Machine.MeasuredBandwidthGBs != 9.9 {
		t.Errorf("remeasure: revision %d, bandwidth %v", cur.Revision, cur.Machine.MeasuredBandwidthGBs)
	}
	if len(seen) != 4 || seen[len(seen)-1].Machine.MeasuredBandwidthGBs != 9.9 {
		t.Errorf("observers saw %d states", len(seen))
	}
	// A second LoadOnce does not probe again.
	opts.Probe = func(context.Context, hwprobe.Options) (*hwprobe.Report, error) {
		return nil, errors.New("probed twice")
	}
	if _, err := h.LoadOnce(context.Background(), opts); err != nil {
		t.Errorf("LoadOnce probed again: %v", err)
	}
}

// The Hardware screen hands LoadMachine estimate's own LoadCalibration with no path: it must
// read the default cache (it was handed "" and the screen said "The probe failed").
func TestLoadMachineReadsTheDefaultCacheThroughACallersLoader(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	hw := &hwprobe.Report{RAM: hwprobe.RAM{TotalBytes: 16e9, AvailableBytes: 12e9}}
	key := estimate.HardwareKey(hw)
	path, err := estimate.CachePath()
	if err != nil {
		t.Fatal(err)
	}
	cal := estimate.Calibration{Key: key, When: time.Now(), Machine: estimate.MachineSpec{MeasuredBandwidthGBs: 7.5},
		Measurements: []estimate.Measurement{{ModelID: "a", Quant: "Q8_0", GenTPS: 1}}}
	if err := estimate.SaveCalibration(path, cal); err != nil {
		t.Fatal(err)
	}
	var gotPath string
	s, err := LoadMachine(context.Background(), MachineOptions{
		Probe: func(context.Context, hwprobe.Options) (*hwprobe.Report, error) { return hw, nil },
		LoadCalibration: func(p, k string) (estimate.Calibration, error) {
			gotPath = p
			return estimate.LoadCalibration(p, k)
		},
	})
	if err != nil {
		t.Fatalf("LoadMachine: %v", err)
	}
	if gotPath != path || !s.Calibrated() || s.Machine.MeasuredBandwidthGBs != 7.5 {
		t.Errorf("loader got path %q (want %q); calibrated %v, bandwidth %v", gotPath, path, s.Calibrated(), s.Machine.MeasuredBandwidthGBs)
	}
}
