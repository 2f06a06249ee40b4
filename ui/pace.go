package ui

import (
	"context"
	"fmt"
	"strings"

	"slmscope/engine"
	"slmscope/internal/units"
)

// guessNotScored says why a guess was not scored against a run the pace check found slow.
const guessNotScored = "Your guess was not scored: the machine ran slower than its usual pace, so this run is no fair answer. Measure again when it is back at its pace."

// paceFunc runs the calibration's reference twin again (engine.CheckPace) and reports
// progress sentences.
type paceFunc func(ctx context.Context, progress func(string)) (engine.PaceCheck, error)

// realPace checks the pace of the app's machine as it is now, through the app's workers.
func realPace(a *App) paceFunc {
	return func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) {
		state, _ := a.machine.Current()
		cache, err := engine.NewTwinCache(state)
		if err != nil {
			return engine.PaceCheck{}, err
		}
		return engine.CheckPace(ctx, state, cache, a.session.Options, progress)
	}
}

// outsideBandPace checks the machine's pace when a run of tps tokens per second fell outside
// the band its calibrated projection p carried: a run outside cannot say by itself whether
// the projection missed or the whole machine ran slow. It returns the sentences that say so
// (each with a leading space), the check, and whether it ran; nothing for a run inside its
// band, an uncalibrated projection, or no pace to check (pace nil).
func outsideBandPace(ctx context.Context, pace paceFunc, p engine.Projection, tps float64, progress func(string)) (string, engine.PaceCheck, bool) {
	if pace == nil || p.Source != engine.SourceProjected || !p.Calibrated || p.DecodeTPSLow <= 0 ||
		(tps >= p.DecodeTPSLow && tps <= p.DecodeTPSHigh) {
		return "", engine.PaceCheck{}, false
	}
	msg := fmt.Sprintf(" That is outside its projected band (%s–%s tok/s), so slmscope ran a twin of the calibration again. ",
		units.TPS(p.DecodeTPSLow), units.TPS(p.DecodeTPSHigh))
	c, err := pace(ctx, progress)
	if err != nil {
		return msg + "It could not: " + strings.TrimSuffix(err.Error(), ".") + ".", engine.PaceCheck{}, true
	}
	return msg + c.Why, c, true
}
