package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/lessons"
)

// compareMeasureJob measures one row's twin and adds it to the calibration.
type compareMeasureJob struct {
	s        *compareScreen
	ctx      context.Context
	id, name string
	quant    engine.Quant
	spec     engine.MachineSpec
	key      string
	// row is what the table projected before the run; guess the learner's guess (0 = none).
	row   engine.Projection
	guess float64
	store *lessons.Store // the prediction record, when there is a guess
}

func (j *compareMeasureJob) run() {
	th := &throttle{every: 50 * time.Millisecond}
	progress := func(frac float64, msg string) {
		if th.ok() {
			j.s.a.do(func() { j.s.showProgress(frac, msg) })
		}
	}
	m, err := j.s.src.bench(j.ctx, j.id, j.quant, j.row.PromptTokens, progress)
	label := j.name + " " + j.quant.String()
	if err != nil {
		msg := fmt.Sprintf("Could not measure %s: %v", label, err)
		if errors.Is(err, context.Canceled) {
			msg = "Cancelled: " + label + " was not measured."
		}
		j.s.a.do(func() { j.s.endBusy(msg, widget.DangerImportance) })
		return
	}
	msg := fmt.Sprintf("Measured %s after a %d-token prompt: %s generation, %s to first token, peak memory %s (%s).",
		label, m.PromptTokens, units.TokPerSec(m.GenTPS), units.Millis(m.TTFTMs), units.Bytes(m.PeakRSSBytes), units.TwinDisclaimer)
	paceMsg, slow := j.paceIfOutside(m, progress)
	msg += paceMsg
	var serr error
	if !slow {
		var merged engine.MachineState
		merged, serr = j.s.a.machine.AddCalibration(j.fresh(m))
		msg += j.rowShows(merged, m)
	}
	st := engine.SteadinessOf(m.GenTokens, m.GenTPS, m.TokenMsP50, m.TokenMsP95)
	if st.Uneven && !slow { // a slow machine's run is already set aside, and said why
		msg += " " + st.Sentence() // the calibration fits its median token, which a tail does not move
	}
	if pr, ok := j.prediction(m); ok && slow {
		msg += " " + guessNotScored
	} else if ok {
		msg += " Predict, then measure: " + pr.Verdict()
		if err := j.store.RecordPrediction(pr); err != nil {
			msg += " (not kept in your prediction record: " + err.Error() + ")"
		}
	}
	deliverMeasured(j.s, msg, st.Uneven || slow, serr, " Not saved for next time: ")
}

// fresh is the calibration the run m adds to the machine's.
func (j *compareMeasureJob) fresh(m engine.Measurement) engine.Calibration {
	fresh := engine.Calibration{Key: j.key, When: time.Now().UTC(), Machine: j.spec, Measurements: []engine.Measurement{m}}
	if cur, ok := j.s.a.machine.Current(); ok && cur.Calibration.Key == j.key {
		fresh.Notes, fresh.BudgetSeconds = cur.Calibration.Notes, cur.Calibration.BudgetSeconds
	}
	fresh.Machine.MeasuredBandwidthGBs = 0 // measuring one row does not re-measure bandwidth
	return fresh
}

// paceIfOutside checks the machine's pace when the run fell outside its row's band
// (outsideBandPace). It returns the sentences to add, and slow when the machine ran slower
// than its calibration: such a run is not added to it, as a disturbed one is not.
func (j *compareMeasureJob) paceIfOutside(m engine.Measurement, progress func(float64, string)) (msg string, slow bool) {
	msg, c, ran := outsideBandPace(j.ctx, j.s.src.pace, j.row, m.GenTPS, func(s string) { progress(0.9, s) })
	switch {
	case !ran:
		return "", false
	case c.Slower():
		return msg + " This run was not added to the calibration.", true
	case c.Verdict == engine.PaceSame:
		return msg + " So the projection itself missed: this run now joins the calibration, and the rows with it.", false
	}
	return msg, false
}

// rowShows is the sentence that says what the run's row shows when that is not the run's own
// figure: the table reads speed at the middle of engine.ProjectedGenTokens generated tokens,
// and a run of fewer is moved there by the fitted cost of the positions between
// (engine.ProjectRun computes the row as the table does).
func (j *compareMeasureJob) rowShows(merged engine.MachineState, m engine.Measurement) string {
	ref, err := engine.ParseModelRef("twin:"+j.id, string(j.quant))
	if err != nil {
		return ""
	}
	p, ok := engine.ProjectRun(merged, ref, j.row.Context, j.row.PromptTokens)
	if !ok || p.Source != engine.SourceMeasured || units.TokPerSec(p.DecodeTPS) == units.TokPerSec(m.GenTPS) {
		return ""
	}
	return fmt.Sprintf(" Its row shows %s: the table reads speed over %d generated tokens, and this run's %d are moved there (its detail says how).",
		units.TokPerSec(p.DecodeTPS), engine.ProjectedGenTokens, m.GenTokens)
}

// prediction scores the learner's guess against the row's projection and the measurement.
func (j *compareMeasureJob) prediction(m engine.Measurement) (engine.Prediction, bool) {
	if j.guess <= 0 || j.store == nil {
		return engine.Prediction{}, false
	}
	pr := engine.Prediction{At: time.Now(), Origin: engine.OriginCompare, Key: string(j.row.Key()), Label: j.name + " " + j.quant.String() + " (twin)",
		Guess: j.guess, ProjectedTPS: j.row.DecodeTPS, ProjectedLow: j.row.DecodeTPSLow, ProjectedHigh: j.row.DecodeTPSHigh, MeasuredTPS: m.GenTPS}
	return pr, pr.Check() == nil
}
