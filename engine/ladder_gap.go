package engine

import (
	"fmt"
	"slices"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
)

// ladderGapPrefix starts the note ladderGapNote writes, so that a new calibration can drop it.
const ladderGapPrefix = "this calibration has no run of "

// ladderGapNote says which CPU kernels DefaultLadder measures that cal's CPU runs do not: a
// calibration saved before the ladder gained a step (MXFP4 on 2026-12-05), or one whose
// budget ran out before it. Projections of models that use them borrow the nearest measured
// kernel's cost, which put gpt-oss-20b 30 % below its runs. "" when nothing is missing or
// nothing was measured (UncalibratedNote says that).
func ladderGapNote(cal estimate.Calibration) string {
	measured := map[string]bool{}
	for _, m := range cal.Measurements {
		if m.OnCPU() {
			for _, k := range cpuKernels(m.ModelID, m.Quant, 0) {
				measured[k] = true
			}
		}
	}
	if len(measured) == 0 {
		return ""
	}
	var gap []string
	for _, st := range DefaultLadder {
		for _, k := range cpuKernels(st.ModelID, st.Quant, 0.01) {
			if !measured[k] && !slices.Contains(gap, k) {
				gap = append(gap, k)
			}
		}
	}
	if len(gap) == 0 {
		return ""
	}
	slices.Sort(gap)
	them := plural(len(gap), "it", "them")
	return fmt.Sprintf("%s%s, which `slmscope calibrate` measures: until it does, projections of models that use %s borrow the nearest measured kernel's cost (run it again, or press Measure this machine)",
		ladderGapPrefix, strings.Join(gap, ", "), them)
}

// cpuKernels is the CPU kernels a run of catalog model id at q multiplies with, each carrying
// at least the share minShare of the bytes a token reads (none for a model the catalog lacks,
// such as a user's own file). A ladder step's kernels below 1 % of its bytes are no gap: the
// fit cannot tell their cost from the others'.
func cpuKernels(id string, q quant.Quant, minShare float64) []string {
	m, ok := catalog.ByID(id)
	if !ok {
		return nil
	}
	ts, err := estimate.Plan(m, q)
	if err != nil {
		return nil
	}
	loads := estimate.ProfileOf(m, ts, "cpu").Kernels
	var total float64
	for _, l := range loads {
		total += l.Bytes
	}
	var ks []string
	for k, l := range loads {
		if l.Bytes >= minShare*total {
			ks = append(ks, k)
		}
	}
	return ks
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// LadderGap is the machine's note on kernels its calibration has no run of, "" when none
// (ladderGapNote): Compare shows it beside "Measure this machine".
func (s MachineState) LadderGap() string {
	for _, n := range s.Notes {
		if strings.HasPrefix(n, ladderGapPrefix) {
			return n
		}
	}
	return ""
}

// withLadderGapNote is notes without an earlier gap note, plus cal's.
func withLadderGapNote(notes []string, cal estimate.Calibration) []string {
	notes = slices.DeleteFunc(slices.Clone(notes), func(n string) bool { return strings.HasPrefix(n, ladderGapPrefix) })
	if n := ladderGapNote(cal); n != "" {
		notes = append(notes, n)
	}
	return notes
}
