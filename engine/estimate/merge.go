package estimate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"slmscope/engine/ident"
	"slmscope/internal/units"
)

// MergeCalibration adds fresh measurements to old: a run of the same model and quant replaces
// the older one, every other old run is kept, and the result carries fresh's time, machine
// and notes. A calibration of other hardware (another key) is not merged: fresh replaces it.
// Nor is an old run of another thread count on a device fresh measured: one fit takes every
// run as the machine's one speed, and a run on 2 threads is nearly twice one on 1, so a
// calibration at 1 thread keeping 2-thread runs of the twins it did not reach would fit them as
// kernels twice as fast. Such runs are dropped, and a note says so.
// The CLI and the app both save calibrations through this one rule.
func MergeCalibration(old, fresh Calibration) Calibration {
	out := fresh
	if old.Key != fresh.Key || len(old.Measurements) == 0 {
		return out
	}
	seen := map[ident.Key]bool{}
	threads := map[string]int{} // per device, the fresh runs' thread count
	for _, m := range fresh.Measurements {
		seen[m.Key()] = true
		if m.Threads > 0 {
			threads[m.device()] = m.Threads
		}
	}
	var kept []Measurement
	dropped := map[int]int{} // thread count → old runs dropped
	for _, m := range old.Measurements {
		if seen[m.Key()] {
			continue
		}
		if t, ok := threads[m.device()]; ok && m.Threads > 0 && m.Threads != t {
			dropped[m.Threads]++
			continue
		}
		kept = append(kept, m)
	}
	if note := droppedNote(dropped, fresh); note != "" {
		out.Notes = append(append([]string(nil), fresh.Notes...), note)
	}
	out.Measurements = append(kept, fresh.Measurements...)
	if out.BudgetSeconds == 0 {
		out.BudgetSeconds = old.BudgetSeconds
	}
	if out.Machine.MeasuredBandwidthGBs == 0 {
		out.Machine.MeasuredBandwidthGBs = old.Machine.MeasuredBandwidthGBs
	}
	return out
}

// device is where the run was measured: "cpu" for the CPU however it was spelled.
func (m Measurement) device() string {
	if m.Device == "" {
		return "cpu"
	}
	return m.Device
}

// ThreadsOn is the thread count of c's latest run on device ("cpu" or a GPU's name) that said
// one, 0 when none did: a run to be added to c is measured on as many, or the merge leaves out
// every older run on that device (MergeCalibration).
func (c Calibration) ThreadsOn(device string) int {
	if device == "" {
		device = "cpu"
	}
	t := 0
	var at time.Time
	for _, m := range c.Measurements {
		if m.device() == device && m.Threads > 0 && (t == 0 || !m.When.Before(at)) {
			t, at = m.Threads, m.When
		}
	}
	return t
}

// droppedNote says which earlier runs MergeCalibration left out for their thread count ("" for
// none).
func droppedNote(dropped map[int]int, fresh Calibration) string {
	if len(dropped) == 0 {
		return ""
	}
	var counts []int
	for t := range dropped {
		counts = append(counts, t)
	}
	sort.Ints(counts)
	var parts []string
	for _, t := range counts {
		parts = append(parts, fmt.Sprintf("%s on %s", units.Count(dropped[t], "earlier run"), units.Count(t, "thread")))
	}
	now := 0
	for _, m := range fresh.Measurements {
		now = max(now, m.Threads)
	}
	return fmt.Sprintf("left out %s: this calibration ran on %s, and a fit takes every run at one speed of the machine",
		strings.Join(parts, " and "), units.Count(now, "thread"))
}

// Key identifies the measured model (catalog id and quant) for maps and merges.
func (m Measurement) Key() ident.Key { return ident.Twin(m.ModelID, m.Quant) }

// Key identifies the projected model (catalog id and quant): the same key as its twin's
// measurement and its Compare row.
func (p Projection) Key() ident.Key { return ident.Twin(p.ID, p.Quant) }

// Twins is how many distinct twins (model and quant) c measured: the ladder measures one twin
// after both a short and a long prompt, which is two runs of one twin.
func (c Calibration) Twins() int {
	seen := map[ident.Key]bool{}
	for _, m := range c.Measurements {
		seen[m.Key()] = true
	}
	return len(seen)
}
