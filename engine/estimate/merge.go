package estimate

import "slmscope/engine/ident"

// MergeCalibration adds fresh measurements to old: a run of the same model and quant replaces
// the older one, every other old run is kept, and the result carries fresh's time, machine
// and notes. A calibration of other hardware (another key) is not merged: fresh replaces it.
// The CLI and the app both save calibrations through this one rule.
func MergeCalibration(old, fresh Calibration) Calibration {
	out := fresh
	if old.Key != fresh.Key || len(old.Measurements) == 0 {
		return out
	}
	seen := map[ident.Key]bool{}
	for _, m := range fresh.Measurements {
		seen[m.Key()] = true
	}
	var kept []Measurement
	for _, m := range old.Measurements {
		if !seen[m.Key()] {
			kept = append(kept, m)
		}
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
