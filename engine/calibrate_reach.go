package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// What a step of the ladder reads and which kernels it measures: the climb's time prediction
// and its reach.

// newKernelShare is the share of a token's weight bytes a kernel must carry for a step to
// count as measuring it: Granite's F32 router (under 1 %) does not measure F32.
const newKernelShare = 0.1

// stepProfile is the per-token work of m's twin at q on the CPU, from its planned tensors;
// false when it cannot be planned.
func stepProfile(m catalog.Model, q quant.Quant) (estimate.Profile, bool) {
	ts, err := estimate.Plan(m, q)
	if err != nil {
		return estimate.Profile{}, false
	}
	return estimate.ProfileOf(m, ts, "cpu"), true
}

// stepRead is the bytes a token of m's twin at q reads: the tensors it multiplies (a mixture of
// experts' active experts only) and the rows it looks up. 0 when it cannot be planned.
func stepRead(m catalog.Model, q quant.Quant) float64 {
	p, ok := stepProfile(m, q)
	if !ok {
		return 0
	}
	return p.ReadBytes(0)
}

// stepKernels are the CPU kernels that carry at least newKernelShare of a token's weight bytes
// in m's twin at q, sorted.
func stepKernels(m catalog.Model, q quant.Quant) []string {
	p, ok := stepProfile(m, q)
	if !ok {
		return nil
	}
	var total float64
	for _, l := range p.Kernels {
		total += l.Bytes
	}
	var ks []string
	for k, l := range p.Kernels {
		if total > 0 && l.Bytes >= newKernelShare*total {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

// unmeasuredAhead names the first step from index next on whose twin would measure a kernel
// that none of the twins measured so far did ("" when no step ahead would). The quality goals
// cannot see such a kernel: validation checks only the runs a calibration has, so a climb
// that stopped early can meet them while every projection through that kernel leans on
// another's cost. On a 2-core EPYC the climb stopped before Granite's steps in 8 sittings of
// 9 on 2026-12-07; the one whose 12 runs met the goals (S18, docs/accuracy.md) did not grow,
// and measured neither the MXFP4 kernel nor an MoE.
func (c *calibration) unmeasuredAhead(next int) string {
	measured := map[string]bool{}
	for _, r := range c.measured {
		for _, k := range stepKernels(r.opts.Model.Model, r.opts.Model.Quant) {
			measured[k] = true
		}
	}
	for _, st := range c.o.Ladder[min(next, len(c.o.Ladder)):] {
		m, ok := catalog.ByID(st.ModelID)
		if !ok {
			continue
		}
		q, err := twin.ParseQuant(string(st.Quant))
		if err != nil {
			continue
		}
		var fresh []string
		for _, k := range stepKernels(m, q) {
			if !measured[k] && !slices.Contains(fresh, k) {
				fresh = append(fresh, k)
			}
		}
		if len(fresh) > 0 {
			return fmt.Sprintf("the ladder had not measured the %s %s (%s %s)", strings.Join(fresh, ", "), plural(len(fresh), "kernel", "kernels"), m.Name, q)
		}
	}
	return ""
}
