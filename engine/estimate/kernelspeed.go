package estimate

// The glue between the bytes-only speed fits (speed.go) and the kernel models (kernelfit.go).

// decodeKernelPoints keeps the decode runs whose tensor types are known.
func decodeKernelPoints(pts []speedSample) []kernelPoint {
	var out []kernelPoint
	for _, s := range pts {
		if tps := s.m.DecodeTPS(); s.prof != nil && tps > 0 {
			out = append(out, kernelPoint{s: s, prof: *s.prof, n: s.m.PromptTokens + s.m.GenTokens/2, y: 1 / tps})
		}
	}
	return out
}

// fitDecodeKernels fits the kernel decode model with its leave-one-out bands, or nil.
func fitDecodeKernels(device string, pts []speedSample, prior decodePrior) *KernelModel {
	return fitKernelsWithBands(device, "decode", decodeKernelPoints(pts), kernelPrior{secPerGB: 1 / prior.gbs, what: prior.what})
}

// fitKernelsWithBands fits a kernel model of kind with its leave-one-out bands and basis
// sentence, or nil when it cannot be fitted.
func fitKernelsWithBands(device, kind string, kp []kernelPoint, kpr kernelPrior) *KernelModel {
	k, ok := fitKernels(device, kind, kp, kpr)
	if !ok {
		return nil
	}
	k.setBands(leaveOneOut(device, kind, kp, kpr, k))
	k.setExtrapolation(extrapolationChecks(device, kind, kp, kpr))
	if kind == "decode" {
		k.Drift, _ = driftOf(kp)
	}
	k.describe(kpr)
	return &k
}

// fitPromptKernels fits the per-type prompt model, or nil.
func fitPromptKernels(device string, pts []speedSample, priorGFLOPS float64, what string) *KernelModel {
	if priorGFLOPS <= 0 {
		return nil
	}
	return fitKernelsWithBands(device, "prompt", promptKernelPoints(pts), kernelPrior{secPerGB: 1 / priorGFLOPS, what: what})
}

// promptKernelPoints keeps the runs with a prompt whose tensor types are known.
func promptKernelPoints(pts []speedSample) []kernelPoint {
	var kp []kernelPoint
	for _, s := range pts {
		if s.prof != nil && s.m.PromptTPS > 0 && s.m.PromptTokens > 0 {
			kp = append(kp, kernelPoint{s: s, prof: *s.prof, n: s.m.PromptTokens, y: 1 / s.m.PromptTPS})
		}
	}
	return kp
}
