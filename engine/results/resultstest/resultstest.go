// Package resultstest makes result files for tests: machines of different sizes, each with
// runs, a calibration and predictions, signed with a fresh key per machine.
package resultstest

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"slmscope/engine/estimate"
	"slmscope/engine/ident"
	"slmscope/engine/results"
	"slmscope/engine/runs"
	"slmscope/hwprobe"
	"slmscope/internal/predict"
)

// Key makes a fresh signing key.
func Key() ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// Machine is the results of test machine i (0, 1, 2, …): RAM 8, 16, 32, … GB (cycling
// through five sizes), bandwidth growing with i, a SmolLM2-135M twin run whose speed follows
// the bandwidth, and one prediction.
func Machine(i int, saved time.Time) results.Results {
	gb := []int64{8, 16, 32, 64, 128}[i%5]
	bw := 10 + 10*float64(i)
	rep := &hwprobe.Report{OS: "linux", Arch: "amd64", CPU: hwprobe.CPU{Model: fmt.Sprintf("Test CPU %d", i), PhysicalCores: 4 + i, LogicalCores: 8 + 2*i},
		RAM: hwprobe.RAM{TotalBytes: uint64(gb * 1e9), AvailableBytes: uint64(gb * 9e8)}, Bandwidth: hwprobe.Bandwidth{ReadGBps: bw}}
	m := estimate.MachineFromReport(rep)
	key := estimate.HardwareKey(rep)
	gen := bw * 2.5
	rs := []runs.Run{{When: saved.Add(-time.Hour), Origin: runs.OriginLive, Key: ident.Twin("smollm2-135m", "Q8_0"), Label: "SmolLM2-135M Q8_0",
		ModelID: "smollm2-135m", Quant: "Q8_0", Twin: true, Machine: key, PromptTokens: 64, GenTokens: 128, GenTPS: gen, PromptTPS: gen * 8, TTFTMs: 120, PeakRSSBytes: 2e8,
		ProjectedTPS: gen * 1.1, ProjectedLow: gen * 0.9, ProjectedHigh: gen * 1.3, Guess: 40}}
	r, err := results.Build(results.Input{Hardware: rep, Machine: m, Key: key, Calibration: estimate.Calibration{Key: key, Machine: m},
		Runs: rs, Label: fmt.Sprintf("Desk %d", i+1), Now: saved,
		Predictions: []predict.Prediction{{At: saved.Add(-time.Hour), Origin: "live", Key: string(rs[0].Key), Label: rs[0].Label, Guess: 40,
			ProjectedTPS: gen * 1.1, ProjectedLow: gen * 0.9, ProjectedHigh: gen * 1.3, MeasuredTPS: gen}}})
	if err != nil {
		panic(err)
	}
	return r
}

// Write signs r with key and writes it to dir/name.
func Write(dir, name string, r results.Results, key ed25519.PrivateKey) error {
	data, err := results.Encode(r, key)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}

// Folder writes n machines' result files (desk-1.json …) into dir.
func Folder(dir string, n int, saved time.Time) error {
	for i := 0; i < n; i++ {
		if err := Write(dir, fmt.Sprintf("desk-%d.json", i+1), Machine(i, saved), Key()); err != nil {
			return err
		}
	}
	return nil
}
