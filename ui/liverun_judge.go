package ui

import (
	"context"
	"fmt"
	"math"

	"slmscope/engine"
	"slmscope/internal/units"
)

// A Live run beside its projection. slmscope projects every finished run as the Compare table
// would (engine.ProjectRun, at the run's context and prompt) and says how the measurement sits
// against that band. When the run falls outside a calibrated band, the machine's pace is
// checked first (ui/pace.go), as Compare ▶ and the Models screen's Measure do: a run on a
// machine slower than its calibration is no miss of the projection, and no fair answer to a
// guess.

// projectFunc projects a run of ref with context and prompt tokens on the machine s
// (engine.ProjectRun; tests pass their own).
type projectFunc func(s engine.MachineState, ref engine.ModelRef, context, prompt int) (engine.Projection, bool)

// liveJudgement is a finished Live run's projection and what its pace check found.
type liveJudgement struct {
	p  engine.Projection
	ok bool // slmscope projected the run
	// band says whether the run is inside the projection's band; note why the two do not
	// compare, or what the pace check found (each sentence with a leading space). slow is set
	// when the machine ran slower than its calibration.
	band, note string
	slow       bool
	// noneWhy says why a run has no projection to compare with, when one was made for
	// another setting (ok is then false).
	noneWhy string
}

// judge projects the finished run sum and, when it fell outside a calibrated band, checks the
// machine's pace. It runs on the job goroutine before the screen hears the run ended, so Run
// stays disabled (the check's twin never runs beside another Live run) and Stop cancels the
// check through ctx.
func (j *liveRunJob) judge(ctx context.Context, sum *engine.RunSummary) liveJudgement {
	l, r := j.l, sum.Result
	st, _ := l.a.machine.Current()
	var jd liveJudgement
	jd.p, jd.ok = l.project(st, sum.Model, sum.Info.Context, r.PromptTokens)
	if !jd.ok || r.GenTokens < 2 {
		return jd
	}
	tps := r.GenTPS()
	if calTh := st.Calibration.ThreadsOn("cpu"); calTh > 0 && sum.Threads > 0 && sum.Threads != calTh && jd.p.Device == "cpu" {
		// a projection for another thread count says nothing of this run, nor scores against it
		jd.p, jd.ok = engine.Projection{}, false
		jd.noneWhy = fmt.Sprintf("its calibration ran %d threads, and this run used %d", calTh, sum.Threads)
		return jd
	}
	jd.band = bandSentence(jd.p, tps)
	if r.Cancelled || jd.p.Device != "cpu" || sum.Placement.GPULayers > 0 {
		return jd // a stopped run's speed is partial; the pace reference is a CPU twin
	}
	progress := func(s string) { l.a.do(func() { l.stage.SetText(s) }) }
	msg, c, ran := outsideBandPace(ctx, l.pace, jd.p, tps, progress)
	switch {
	case !ran:
	case ctx.Err() != nil:
		jd.note = " The machine's pace check was stopped before it finished."
	default:
		// the pace sentences say where the run sits against the band
		jd.band, jd.slow = "", c.Slower()
		jd.note = fmt.Sprintf(" It measured %s.", units.TokPerSec(tps)) + msg
		if c.Verdict == engine.PaceSame {
			jd.note += " So the projection itself missed."
		}
	}
	return jd
}

// bandSentence says whether a run of tps tokens per second is inside p's band, or for a
// model measured here before, how far the run is from that measurement.
func bandSentence(p engine.Projection, tps float64) string {
	if p.Source == engine.SourceMeasured && p.DecodeTPS > 0 {
		d, how := tps/p.DecodeTPS-1, "faster"
		if d < 0 {
			how = "slower"
		}
		return fmt.Sprintf(" This run's %s is %s %s.", units.TokPerSec(tps), units.Percent(math.Abs(d)), how)
	}
	if p.DecodeTPSLow <= 0 || p.DecodeTPSHigh <= 0 {
		return ""
	}
	where := "inside"
	if tps < p.DecodeTPSLow || tps > p.DecodeTPSHigh {
		where = "outside"
	}
	return fmt.Sprintf(" The run's %s is %s that band.", units.TokPerSec(tps), where)
}

// projectionLine is the Live run's line about slmscope's own projection, for a run without a
// guess ("" when nothing was projected).
func (jd liveJudgement) projectionLine() string {
	if !jd.ok {
		if jd.noneWhy != "" {
			return "slmscope has no projection for this run: " + jd.noneWhy + "."
		}
		return ""
	}
	p := jd.p
	if p.Source == engine.SourceMeasured {
		return "slmscope's figure for this model: " + units.TokPerSec(p.DecodeTPS) + ", measured here before." + jd.band + jd.note
	}
	s := "slmscope projected " + units.TokPerSec(p.DecodeTPS)
	if p.DecodeTPSHigh > 0 {
		s += fmt.Sprintf(" (band %s–%s tok/s)", units.TPS(p.DecodeTPSLow), units.TPS(p.DecodeTPSHigh))
	}
	switch {
	case p.Calibrated:
		s += " for this run, from this machine's calibration."
	default:
		s += " for this run, from the memory bandwidth alone: this machine is not calibrated (Compare ▶ Measure this machine)."
	}
	return s + jd.band + jd.note
}
