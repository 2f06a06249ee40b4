package estimate

import (
	"fmt"
	"math"
)

// The bytes-only prompt model: prompt speed from FLOPs scaled by this machine's measured twins
// (the per-kernel model in kernelfit.go replaces it once enough runs exist).

func cpuPromptPrior(machine Machine) (gflops float64, what string, known bool) {
	if machine.CPUCores > 0 {
		return AssumedCPUGFLOPSPerCore * float64(machine.CPUCores),
			fmt.Sprintf("assumed %.0f GFLOP/s per core × %d cores", AssumedCPUGFLOPSPerCore, machine.CPUCores), true
	}
	return 0, "no prompt measurement and no core count", false
}

// fitPrompt fits the prompt model on samples with PromptTPS.
func fitPrompt(device string, ss []speedSample, priorGFLOPS float64, priorWhat string, priorKnown bool) PromptModel {
	p := PromptModel{Device: device, GFLOPS: priorGFLOPS, Known: priorKnown}
	var pts []speedSample
	for _, s := range ss {
		if s.m.PromptTPS > 0 && s.params > 0 {
			pts = append(pts, s)
		}
	}
	p.Points = len(pts)
	if len(pts) == 0 {
		p.Band = 0.5
		p.Basis = "uncalibrated: " + priorWhat + " at 2 FLOPs per parameter per token"
		return p
	}
	if !priorKnown { // center a very weak prior on the measurements themselves
		sum := 0.0
		for _, s := range pts {
			sum += s.m.PromptTPS * 2 * s.params / gb
		}
		priorGFLOPS = sum / float64(len(pts))
		priorWhat = "the measurements' mean"
	}
	theta := func(pts []speedSample) []float64 {
		x := make([][]float64, len(pts))
		y := make([]float64, len(pts))
		w := make([]float64, len(pts))
		for i, s := range pts {
			x[i] = []float64{1, 2 * s.params / gb}
			y[i] = 1 / s.m.PromptTPS
			w[i] = 1 / (y[i] * y[i] * relativeNoise * relativeNoise)
		}
		mu := []float64{0, 1 / priorGFLOPS}
		lambda := []float64{1 / (promptPriorSd * promptPriorSd), 1 / math.Pow(promptPriorRel*mu[1], 2)}
		th, err := linearFit(x, y, w, mu, lambda)
		if err != nil || th[1] <= 0 {
			return nil
		}
		if th[0] < 0 {
			lambda[0] = 1e30
			th, err = linearFit(x, y, w, mu, lambda)
			if err != nil || th[1] <= 0 {
				return nil
			}
			th[0] = 0
		}
		return th
	}
	th := theta(pts)
	if th == nil {
		p.Band = 0.5
		p.Basis = "uncalibrated (prompt measurements could not be fitted): " + priorWhat
		return p
	}
	p.OverheadSec, p.GFLOPS, p.Calibrated, p.Known = th[0], 1/th[1], true, true
	var errs []float64
	for _, s := range pts {
		errs = append(errs, relErr(1/(th[0]+th[1]*2*s.params/gb), s.m.PromptTPS))
	}
	band := rms(errs)
	if len(pts) >= 3 {
		var loo []float64
		for i := range pts {
			others := append(append([]speedSample(nil), pts[:i]...), pts[i+1:]...)
			t := theta(others)
			if t == nil {
				t = th
			}
			loo = append(loo, relErr(1/(t[0]+t[1]*2*pts[i].params/gb), pts[i].m.PromptTPS))
		}
		band = math.Max(band, rms(loo))
	}
	band = math.Max(band, bandFloor)
	if len(pts) == 1 {
		band = math.Max(band, bandOnePoint)
	} else if len(pts) == 2 {
		band = math.Max(band, bandTwoPoints)
	}
	p.Band = band
	p.Basis = fmt.Sprintf("fitted on %d measured prompt run(s) on %s: %.1f effective GFLOP/s at 2 FLOPs per parameter per token (prior %s)",
		len(pts), device, p.GFLOPS, priorWhat)
	p.Kernels = fitPromptKernels(device, pts, priorGFLOPS, priorWhat)
	return p
}
