package estimate

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"slmscope/internal/units"
)

// Beyond the ladder. The ladder's leave-one-out checks each twin against twins of its own size,
// so its band says nothing about a model eight times larger than any twin measured: on a fresh
// 2-core EPYC the Llama-3.1-8B twin ran 26 % slower than projected with a ±6 % band. Three
// things make a decode projection hold there:
//
//   - a ceiling: no projection streams weights faster than the fastest rate a measured run
//     streamed them (StreamGBs). The additive kernel model, fitted on small twins whose compute
//     and fixed costs hide part of the memory traffic, extrapolated the 8B twin to 43 GB/s
//     on a machine whose runs never streamed more than 39.5. On the CPU only: a GPU's small
//     twins are bound by its fixed cost per layer (kernel dispatch), not by streaming, so
//     the rate they show is far below what a larger model streams (an H200 through Vulkan:
//     441 GB/s at 1 GB read per token, 950 GB/s at 4.7 GB);
//   - on one thread, a second ceiling: no projection works through weights faster than the
//     fastest rate a measured run did (WeightGps). One thread never waits for another, so the
//     ladder's largest twins already work at a large model's rate (after a 512-token prompt,
//     Llama-3.2-1B Q4_K_M 30.8 G weights/s and the Llama-3.1-8B twin 30.7, 2026-12-07), while
//     the kernel model, its time split among fixed, per-row and per-kernel terms on small
//     twins, projected the 8B twin on one thread 14–25 % fast in four of five sittings. On two
//     threads the 8B works through weights faster than any twin (52.7 against 44.1 G/s: the
//     threads' wait at each operation weighs less in it), so there the bytes' ceiling alone
//     holds;
//   - a wider band per doubling of the bytes read beyond the largest run measured
//     (PerDoubling), set from the calibration's own extrapolation checks: its largest twins
//     projected from a fit on the smaller ones only;
//   - the machine's own drift (Drift), from a twin's repeats spread over the calibration.

// extrapPrior is the band added per doubling of bytes read beyond the largest measured run
// when the calibration has too few extrapolation checks to say: the 8B twin's miss above
// (26 % − 6 % band over 2.2 doublings) is about 9 % per doubling.
const extrapPrior = 0.09

// extrapFloor is the least band added per doubling, however well the checks went: a few
// checks do not show a model type of machine behaviour that appears only at larger sizes.
const extrapFloor = 0.03

// extrapPriorWeight is how many checks extrapPrior counts for: PerDoubling shrinks from the
// prior towards what the checks say as they grow in number (a calibration has 2–4 of them).
const extrapPriorWeight = 3

// extrapMargin is how much smaller than a checked run every run of its fit set must be.
const extrapMargin = 1.5

// sizeGB is the bytes a point reads per token (decode) or its weights' bytes (prompt), in GB.
func (p kernelPoint) sizeGB(kind string) float64 {
	if kind == "decode" {
		return p.prof.ReadBytes(p.n) / gb
	}
	var b float64
	for _, l := range p.prof.Kernels {
		b += l.Bytes
	}
	return b / gb
}

// setReach records what the fitted points span: the largest size measured and, for decode on
// the CPU, the fastest weight streaming any run achieved and, where every run used one thread,
// the fastest rate any worked through weights.
func (k *KernelModel) setReach(pts []kernelPoint) {
	k.MaxSizeGB, k.StreamGBs, k.WeightGps = 0, 0, 0
	for _, p := range pts {
		s := p.sizeGB(k.Kind)
		k.MaxSizeGB = math.Max(k.MaxSizeGB, s)
		if k.Kind == "decode" && k.Device == "cpu" && p.y > 0 {
			k.StreamGBs = math.Max(k.StreamGBs, s/p.y)
			// the run's attention is the fitted attention term's, not the weights' work
			if t := p.y - k.attnSeconds(p.prof, p.n); k.Threads == 1 && t > 0 {
				k.WeightGps = math.Max(k.WeightGps, p.prof.weightsMultiplied()/gb/t)
			}
		}
	}
}

// doublings is how many times the size of p exceeds the largest measured run's, in powers of 2.
func (k KernelModel) doublings(p Profile, n int) float64 {
	if k.MaxSizeGB <= 0 {
		return 0
	}
	s := kernelPoint{prof: p, n: n}.sizeGB(k.Kind)
	return math.Max(0, math.Log2(s/k.MaxSizeGB))
}

// floorPosition is the position at which the streaming floor is set as it was measured: the
// default prompt's (576). Past it a token also pays the fitted cost of the positions between,
// which the floor's bytes do not carry. The floor's rate comes from whole ladder runs, their
// own attention included, and at 576 positions it held large models without any attention
// added: over 18 projections of the 8B twin, Qwen3-4B and gpt-oss-20b in six sittings on
// 2 cores (2026-12-06), errors had a mean of +0.4 % and a median size of 6.3 %. Adding each
// model's whole attention to the floor moved them to −3.9 % and 9.3 %. Without the cost past
// 576, the floor held Qwen3-4B's decode nearly flat where it measured 17–31 ms more per
// 1000 positions, and the 8B twin's 26–36 ms (docs/accuracy.md).
const floorPosition = defaultPrompt + decodeGenTokens/2

// streamFloor is the least time a token at position n can take, given raw, the fitted model's
// time there: its bytes at the fastest rate a run streamed them (see floorAt).
func (k KernelModel) streamFloor(p Profile, n int, raw float64) float64 {
	if k.StreamGBs <= 0 {
		return 0
	}
	return k.floorAt(p, n, raw, func(pos int) float64 { return p.ReadBytes(pos) / gb / k.StreamGBs })
}

// weightFloor is, on one thread, the least time a token at position n can take, given raw:
// its weights at the fastest rate a run worked through them, plus its fitted attention at n
// (see floorAt); 0 where no such rate was set. The ladder's runs end near position 100, the
// 8B twin's bench near 576, where its attention on one thread took 8 % of its token: with it
// in the rate instead, the floor projected 8B benches on one thread by a median of 7.2 %, and
// 2.8 % this way (7 sittings, 2026-12-07).
func (k KernelModel) weightFloor(p Profile, n int, raw float64) float64 {
	if k.WeightGps <= 0 {
		return 0
	}
	return k.floorAt(p, n, raw, func(pos int) float64 { return p.weightsMultiplied()/gb/k.WeightGps + k.attnSeconds(p, pos) })
}

// attnSeconds is the fitted attention time of a token at position n.
func (k KernelModel) attnSeconds(p Profile, n int) float64 {
	return p.attnFlops(n) / gb * k.SecPerAttnGFLOP
}

// floorAt is a ceiling's least time at position n, least(n), and past floorPosition the fitted
// model's time raw plus what the ceiling added at floorPosition, where the ceiling was found to
// hold (streamFloor's rate has the ladder runs' own attention in it).
func (k KernelModel) floorAt(p Profile, n int, raw float64, least func(pos int) float64) float64 {
	floor := least(n)
	if n > floorPosition {
		rawAt, _, _ := k.rawSeconds(p, floorPosition)
		floor = math.Max(floor, raw+math.Max(0, least(floorPosition)-rawAt))
	}
	return floor
}

// beyond applies the ceilings, the drift and the extrapolation widening to a projection of sec
// seconds per token with band.
func (k KernelModel) beyond(p Profile, n int, sec, band float64) (float64, float64) {
	if k.Kind == "decode" {
		sec = math.Max(sec, math.Max(k.streamFloor(p, n, sec), k.weightFloor(p, n, sec)))
	}
	if k.Drift > 0 {
		band = math.Hypot(band, k.Drift)
	}
	return sec, band + k.PerDoubling*k.doublings(p, n)
}

// extrapCheck is one of the largest runs projected from a fit on the runs extrapMargin times
// smaller than it, and how far that reached.
type extrapCheck struct {
	looCheck
	doublings float64
}

// extrapolationChecks projects each run from the runs extrapMargin times smaller, where they
// are enough for a fit. The fit set's bands are its own leave-one-out's, without any widening
// for the reach, so the checks measure what the reach costs.
func extrapolationChecks(device, kind string, pts []kernelPoint, prior kernelPrior) []extrapCheck {
	sorted := append([]kernelPoint(nil), pts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].sizeGB(kind) < sorted[j].sizeGB(kind) })
	var out []extrapCheck
	fitted := -1 // the fit set of the last check, by its length
	var k KernelModel
	for _, p := range sorted {
		var smaller []kernelPoint
		for _, q := range sorted {
			if q.sizeGB(kind)*extrapMargin <= p.sizeGB(kind) {
				smaller = append(smaller, q)
			}
		}
		if len(smaller) < minKernelRuns+1 {
			continue
		}
		if len(smaller) != fitted { // runs of one model share a fit set
			var ok bool
			if k, ok = fitKernels(device, kind, smaller, prior); !ok {
				continue
			}
			k.setBands(leaveOneOut(device, kind, smaller, prior, k))
			fitted = len(smaller)
		}
		kk := k
		kk.PerDoubling, kk.Drift = 0, 0
		sec, band, uncal := kk.Seconds(p.prof, p.n)
		out = append(out, extrapCheck{
			looCheck:  looCheck{p: p, projected: sec, band: band, family: dominantFamily(p.prof), uncal: uncal},
			doublings: kk.doublings(p.prof, p.n),
		})
	}
	return out
}

// setExtrapolation sets PerDoubling from the checks: the 80 % conformal quantile of each
// check's error beyond its band, per doubling of reach, shrunk towards extrapPrior as if the
// prior were extrapPriorWeight checks, and at least extrapFloor.
func (k *KernelModel) setExtrapolation(checks []extrapCheck) {
	var excess []float64
	for _, c := range checks {
		if c.doublings < 0.25 || len(c.uncal) > 0 {
			continue // too close to tell, or an uncalibrated kernel's error (widened elsewhere)
		}
		e := math.Abs(c.errPct()) / 100
		excess = append(excess, math.Max(0, e-c.band)/c.doublings)
	}
	n := float64(len(excess))
	k.ExtrapChecks = len(excess)
	k.PerDoubling = (n*conformalQuantile(excess, bandCoverage) + extrapPriorWeight*extrapPrior) / (n + extrapPriorWeight)
	k.PerDoubling = math.Max(extrapFloor, k.PerDoubling)
}

// driftOf is the root mean square of the decode runs' relative deviations from the mean of
// their repeats: how much the machine itself moves a measurement between runs spread over a
// calibration. Repeats are the runs inside one measurement (TokenMsP50Runs: a calibration
// measures each small twin three times, a pass of the ladder apart) and measurements of the
// same model, quant, threads and position. 0 without repeats.
func driftOf(pts []kernelPoint) (drift float64, repeats int) {
	groups := map[string][]float64{}
	var all [][]float64 // each group of repeats
	for _, p := range pts {
		key := fmt.Sprint(p.s.m.ModelID, "|", p.s.m.Quant, "|", p.s.m.Threads, "|", p.n)
		groups[key] = append(groups[key], p.y)
		if len(p.s.m.TokenMsP50Runs) >= 2 {
			all = append(all, p.s.m.TokenMsP50Runs)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		all = append(all, groups[k])
	}
	var dev []float64
	for _, ys := range all {
		if len(ys) < 2 {
			continue
		}
		var mean float64
		for _, y := range ys {
			mean += y / float64(len(ys))
		}
		for _, y := range ys {
			dev = append(dev, (y-mean)/mean)
		}
		repeats += len(ys)
	}
	if len(dev) == 0 {
		return 0, 0
	}
	// n/(n−1)-style correction is left out: the groups are small and the band is conservative.
	return rms(dev), repeats
}

// reachText says, for a projection's basis, what the ceiling and the reach did to it.
func (k KernelModel) reachText(p Profile, n int) string {
	var s string
	if k.Kind == "decode" {
		raw, _, _ := k.rawSeconds(p, n)
		stream, weights := k.streamFloor(p, n, raw), k.weightFloor(p, n, raw)
		capped := ""
		switch {
		case weights > raw && weights >= stream:
			capped = fmt.Sprintf("; capped at the fastest rate one thread worked through weights here (%.1f G weights/s)", k.WeightGps)
		case stream > raw:
			capped = fmt.Sprintf("; capped at the fastest weight streaming measured here (%s)", units.GBps(k.StreamGBs))
		}
		if capped != "" && n > floorPosition {
			capped += fmt.Sprintf(" as at position %d, plus the fitted cost of the positions from there to %d", floorPosition, n)
		}
		s += capped
	}
	if d := k.doublings(p, n); d > 0 {
		s += fmt.Sprintf("; %.1f doublings beyond the largest run measured (%s): band +%s (%s per doubling, from %d extrapolation check(s) and a prior)",
			d, units.Bytes(int64(k.MaxSizeGB*gb)), units.Percent(k.PerDoubling*d), units.Percent(k.PerDoubling), k.ExtrapChecks)
	}
	if k.Drift > 0 {
		s += fmt.Sprintf("; the machine's own drift ±%s (repeats spread over the calibration) is in the band", units.Percent(k.Drift))
	}
	return s
}
