package ui

import (
	"math"
	"time"

	"slmscope/engine"
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
	q  engine.Quant
}{{"smollm2-135m", engine.BF16}, {"llama-3.1-8b", engine.Q4_K_M}, {"llama-3.1-70b", engine.Q4_K_M}}

// lessonFacts gathers this machine's numbers for the lesson and its live questions from the
// app's machine (the same RAM figure Hardware and Compare show, and the same fit rule), and
// the generation speed of the last Live run. It never probes: before the machine is loaded
// the memory facts stay zero and the lesson says so rather than guess.
func (a *App) lessonFacts() lessons.Facts {
	var f lessons.Facts
	if st, ok := a.hub().Current(); ok && st.Machine.UsableRAM() > 0 {
		machineFacts(&f, st)
		f.MoE = a.lessonMoE(st)
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

// machineFacts are the lesson's memory facts: the RAM every screen shows, and the reference
// models judged by the one fit rule.
func machineFacts(f *lessons.Facts, st engine.MachineState) {
	f.AvailableRAMBytes, f.TotalRAMBytes = uint64(st.Machine.UsableRAM()), uint64(st.Machine.RAMTotalBytes)
	f.RAMSource = "the app's hardware probe"
	if st.Hardware != nil && st.Hardware.RAM.Source != "" {
		f.RAMSource += ", " + st.Hardware.RAM.Source
	}
	for _, r := range lessonFitModels {
		m, ok := engine.CatalogModelByID(r.id)
		if !ok {
			continue
		}
		if v, err := st.Fit(m, r.q, 4096); err == nil {
			f.Fits = append(f.Fits, m.Name+" "+r.q.String()+" at a 4K context "+v.Sentence)
		}
	}
}

// lessonMoEPairs set a mixture of experts beside a dense model of similar memory: one small
// enough for the calibration ladder to measure (Granite's MoE is on it), one that learners ask
// about.
var lessonMoEPairs = []struct {
	moe, dense   string
	moeQ, denseQ engine.Quant
}{
	{"granite-3.0-1b-a400m", "llama-3.2-1b", engine.Q4_K_M, engine.Q4_K_M},
	{"qwen3-30b-a3b", "qwen3-14b", engine.Q4_K_M, engine.Q8_0},
}

// lessonMoE projects the lesson's MoE pairs on this machine (measured runs replace projections,
// as on Compare). The projections are kept per machine revision: the lesson asks for its facts
// often, and a projection fits the speed models anew.
func (a *App) lessonMoE(st engine.MachineState) []lessons.MoEPair {
	a.moeMu.Lock()
	defer a.moeMu.Unlock()
	if a.moeFacts != nil && a.moeFactsRev == st.Revision {
		return a.moeFacts
	}
	// One projection call for every pair: each call fits the speed models anew (with their
	// leave-one-out bands), which took 30–40 ms a call on the UI goroutine here; four calls
	// stalled the lesson's first frame for 136 ms.
	var models []engine.CatalogModel
	var qs []engine.Quant
	for _, pr := range lessonMoEPairs {
		for _, id := range []string{pr.moe, pr.dense} {
			if m, ok := engine.CatalogModelByID(id); ok {
				models = append(models, m)
			}
		}
		qs = appendQuant(appendQuant(qs, pr.moeQ), pr.denseQ)
	}
	byKey := map[string]engine.Projection{}
	for _, p := range st.Project(models, qs, engine.ProjectionOptions{}) {
		byKey[p.ID+"/"+p.Quant.String()] = p
	}
	var out []lessons.MoEPair
	for _, pr := range lessonMoEPairs {
		m, ok1 := engine.CatalogModelByID(pr.moe)
		d, ok2 := engine.CatalogModelByID(pr.dense)
		pm, ok3 := byKey[pr.moe+"/"+pr.moeQ.String()]
		pd, ok4 := byKey[pr.dense+"/"+pr.denseQ.String()]
		if ok1 && ok2 && ok3 && ok4 {
			out = append(out, lessons.MoEPair{MoE: modelFigures(m, pm), Dense: modelFigures(d, pd)})
		}
	}
	a.moeFacts, a.moeFactsRev = out, st.Revision
	return out
}

// appendQuant adds q to qs unless it is there.
func appendQuant(qs []engine.Quant, q engine.Quant) []engine.Quant {
	for _, have := range qs {
		if have == q {
			return qs
		}
	}
	return append(qs, q)
}

// modelFigures are the lesson's numbers of one projection.
func modelFigures(m engine.CatalogModel, p engine.Projection) lessons.ModelFigures {
	f := lessons.ModelFigures{
		Name: m.Name, Quant: p.Quant.String(), TotalParams: float64(m.ParamCount()), ActiveParams: float64(m.ActiveParamCount()),
		MemoryBytes: float64(p.MemoryBytes), TPS: p.DecodeTPS, Measured: p.Source == engine.SourceMeasured, Fits: p.Fits,
	}
	if !f.Measured {
		f.TPSLow, f.TPSHigh = p.DecodeTPSLow, p.DecodeTPSHigh
	}
	return f
}
