package estimate

import (
	"fmt"
	"math"
)

// The bytes-only prompt model: prompt speed from FLOPs scaled by this machine's measured twins
// (the per-kernel model in kernelfit.go replaces it once enough runs exist).

func cpuPromptPrior(machine MachineSpec) (gflops float64, what string, known bool) {
	if machine.CPUCores > 0 {
		return AssumedCPUGFLOPSPerCore * float64(machine.CPUCores),
			fmt.Sprintf("assumed %.0f GFLOP/s per core × %d cores", AssumedCPUGFLOPSPerCore, machine.CPUCores), true
	}
	return 0, "no prompt measurement and no core count", false
}

// fitPrompt fits the prompt model on samples with PromptTPS.
func fitPrompt(device string, ss []speedSample, priorGFLOPS float64, priorWhat string, priorKnown bool) PromptModel {
	p := PromptModel{Device: device, GFLOPS: priorGFLOPS, Known: priorKnown}
	pts := promptSamples(ss)
	p.Points = len(pts)
	if len(pts) == 0 {
		p.Band = 0.5
		p.Basis = "uncalibrated: " + priorWhat + " at 2 FLOPs per parameter per token"
		return p
	}
	if !priorKnown { // center a very weak prior on the measurements themselves
		priorGFLOPS, priorWhat = meanPromptGFLOPS(pts), "the measurements' mean"
	}
	th := promptTheta(pts, priorGFLOPS)
	if th == nil {
		p.Band = 0.5
		p.Basis = "uncalibrated (prompt measurements could not be fitted): " + priorWhat
		return p
	}
	p.OverheadSec, p.GFLOPS, p.Calibrated, p.Known = th[0], 1/th[1], true, true
	p.Band = promptBand(pts, th, priorGFLOPS)
	p.Basis = fmt.Sprintf("fitted on %d measured prompt run(s) on %s: %.1f effective GFLOP/s at 2 FLOPs per parameter per token (prior %s)",
		len(pts), device, p.GFLOPS, priorWhat)
	p.Kernels = fitPromptKernels(device, pts, priorGFLOPS, priorWhat)
	return p
}

// promptSamples keeps the samples with a prompt speed and a parameter count.
func promptSamples(ss []speedSample) []speedSample {
	var pts []speedSample
	for _, s := range ss {
		if s.m.PromptTPS > 0 && s.params > 0 {
			pts = append(pts, s)
		}
	}
	return pts
}

// meanPromptGFLOPS is the mean effective GFLOP/s of the samples at 2 FLOPs per parameter per
// token.
func meanPromptGFLOPS(pts []speedSample) float64 {
	sum := 0.0
	for _, s := range pts {
		sum += s.m.PromptTPS * 2 * s.params / gb
	}
	return sum / float64(len(pts))
}

// promptTheta solves for [overhead s, seconds per GFLOP] with relative weights and the prior
// centred on priorGFLOPS, refitting through the origin rather than accept a negative fixed
// cost; nil when the solver fails or finds no positive cost per FLOP.
func promptTheta(pts []speedSample, priorGFLOPS float64) []float64 {
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

// promptTPSOf is the prompt speed theta projects for a model of params parameters.
func promptTPSOf(th []float64, params float64) float64 {
	return 1 / (th[0] + th[1]*2*params/gb)
}

// promptBand is the relative band of the prompt model th fitted on pts: the larger of its fit
// error and (from three runs) its leave-one-out error, floored by how many runs it rests on.
func promptBand(pts []speedSample, th []float64, priorGFLOPS float64) float64 {
	var errs []float64
	for _, s := range pts {
		errs = append(errs, relErr(promptTPSOf(th, s.params), s.m.PromptTPS))
	}
	band := rms(errs)
	if len(pts) >= 3 {
		var loo []float64
		for i := range pts {
			others := append(append([]speedSample(nil), pts[:i]...), pts[i+1:]...)
			t := promptTheta(others, priorGFLOPS)
			if t == nil {
				t = th
			}
			loo = append(loo, relErr(promptTPSOf(t, pts[i].params), pts[i].m.PromptTPS))
		}
		band = math.Max(band, rms(loo))
	}
	return floorBand(band, len(pts))
}
