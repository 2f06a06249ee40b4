package ui

import (
	"math"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/quant"
	"slmscope/lessons"
)

// Preference keys the Live run screen writes after each run; the lesson reads them.
const (
	factsPrefGenTPS = "live.last_gen_tps"
	factsPrefModel  = "live.last_model"
	factsPrefWhen   = "live.last_when"
)

// lessonFitModels are the lesson's reference models, judged by the one fit rule.
var lessonFitModels = []struct {
	id string
	q  quant.Quant
}{{"smollm2-135m", quant.BF16}, {"llama-3.1-8b", quant.Q4_K_M}, {"llama-3.1-70b", quant.Q4_K_M}}

// lessonFacts gathers this machine's numbers for the lesson and its live questions from the
// app's machine (the same RAM figure Hardware and Compare show, and the same fit rule), and
// the generation speed of the last Live run. It never probes: before the machine is loaded
// the memory facts stay zero and the lesson says so rather than guess.
func (a *App) lessonFacts() lessons.Facts {
	var f lessons.Facts
	if st, ok := a.hub().Current(); ok && st.Machine.UsableRAM() > 0 {
		f.AvailableRAMBytes, f.TotalRAMBytes = uint64(st.Machine.UsableRAM()), uint64(st.Machine.RAMTotalBytes)
		f.RAMSource = "the app's hardware probe"
		if st.Hardware != nil && st.Hardware.RAM.Source != "" {
			f.RAMSource += ", " + st.Hardware.RAM.Source
		}
		for _, r := range lessonFitModels {
			m, ok := catalog.ByID(r.id)
			if !ok {
				continue
			}
			if v, err := st.Fit(m, r.q, 4096); err == nil {
				f.Fits = append(f.Fits, m.Name+" "+r.q.String()+" at a 4K context "+v.Sentence)
			}
		}
	}
	if a.lessons != nil { // the learner's newest guess, for the guess-error question
		if ps := a.lessons.store.Predictions(); len(ps) > 0 {
			f.LastPrediction = ps[len(ps)-1]
		}
	}
	p := a.fyne.Preferences()
	if tps := p.FloatWithFallback(factsPrefGenTPS, 0); tps > 0 && !math.IsInf(tps, 0) && !math.IsNaN(tps) {
		f.GenTPS = tps
		f.GenModel = p.String(factsPrefModel)
		f.GenSource = "Live run"
		if when, err := time.Parse(time.RFC3339, p.String(factsPrefWhen)); err == nil {
			f.GenSource += ", " + when.Local().Format("2 Jan 2006 15:04")
		}
	}
	return f
}
