package estimate

// The glue between the bytes-only speed fits (speed.go) and the kernel models (kernelfit.go).

// decodeKernelPoints keeps the decode runs whose tensor types are known.
func decodeKernelPoints(pts []speedSample) []kernelPoint {
	var out []kernelPoint
	for _, s := range pts {
		if s.prof != nil && s.m.GenTPS > 0 {
			out = append(out, kernelPoint{s: s, prof: *s.prof, n: s.m.PromptTokens + s.m.GenTokens/2, y: 1 / s.m.GenTPS})
		}
	}
	return out
}

// fitDecodeKernels fits the kernel decode model with its leave-one-out bands, or nil.
func fitDecodeKernels(device string, pts []speedSample, prior decodePrior) *KernelModel {
	kp := decodeKernelPoints(pts)
	kpr := kernelPrior{secPerGB: 1 / prior.gbs, what: prior.what}
	k, ok := fitKernels(device, "decode", kp, kpr)
	if !ok {
		return nil
	}
	k.setBands(leaveOneOut(device, "decode", kp, kpr, k))
	k.describe(kpr)
	return &k
}

// fitPromptKernels fits the per-type prompt model, or nil.
func fitPromptKernels(device string, pts []speedSample, priorGFLOPS float64, what string) *KernelModel {
	var kp []kernelPoint
	for _, s := range pts {
		if s.prof != nil && s.m.PromptTPS > 0 && s.m.PromptTokens > 0 {
			kp = append(kp, kernelPoint{s: s, prof: *s.prof, n: s.m.PromptTokens, y: 1 / s.m.PromptTPS})
		}
	}
	if priorGFLOPS <= 0 {
		return nil
	}
	kpr := kernelPrior{secPerGB: 1 / priorGFLOPS, what: what}
	k, ok := fitKernels(device, "prompt", kp, kpr)
	if !ok {
		return nil
	}
	k.setBands(leaveOneOut(device, "prompt", kp, kpr, k))
	k.describe(kpr)
	return &k
}
