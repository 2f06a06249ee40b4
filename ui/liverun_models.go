package ui

import (
	"fmt"
	"strings"

	"slmscope/engine"
)

// The Live run model picker: catalog twins that pass the one fit rule, then files the user
// opened; the choice is remembered by its key.

// modelChoices is the model picker's content for one quantization.
type modelChoices struct {
	quant   engine.Quant
	choices []modelChoice
	tooBig  []string // catalog models whose twin would not fit
	fitNote string   // what the list was judged against
}

// refreshChoices rebuilds the model list for the chosen quant: catalog twins that pass the
// one fit rule on the app's machine, then files the user opened. Sizing twins reads their
// tokenizer files, so the list is built off the UI goroutine; then (may be nil) runs once the
// new list is on screen.
func (l *liveRun) refreshChoices() { l.refreshChoicesThen(nil) }

func (l *liveRun) refreshChoicesThen(then func()) {
	if l.modelSel == nil {
		return
	}
	q := engine.CanonicalQuant(l.quantSel.Selected)
	files := l.a.fyne.Preferences().StringListWithFallback(prefLiveFiles, nil)
	l.a.fyne.Preferences().SetString(prefLiveQuant, q.String())
	l.choiceGen++
	job := &liveChoicesJob{l: l, gen: l.choiceGen, quant: q, files: files, then: then}
	job.state, job.loaded = l.a.machine.Current()
	l.spawn(job.run)
}

// buildModelChoices lists the twins that fit this machine by the one fit rule (at the
// context a run uses), then the opened files. Before the machine is known every twin is
// listed and the note says so.
func buildModelChoices(q engine.Quant, files []string, st engine.MachineState, loaded bool) modelChoices {
	mc := modelChoices{quant: q}
	tq, err := engine.ParseTwinQuant(string(q))
	if err != nil {
		tq = engine.Q8_0
	}
	for _, m := range engine.CatalogModels() {
		if tq == engine.MXFP4_MOE && !m.IsMoE() {
			continue // llama.cpp's MXFP4_MOE quantizes experts; a dense model has none
		}
		if loaded {
			if v, err := st.Fit(m, tq, engine.TwinRunContext); err == nil && !v.Fits && v.Placement != engine.PlaceUnknown {
				mc.tooBig = append(mc.tooBig, m.Name)
				continue
			}
		}
		ref := engine.TwinRef(m, tq)
		mc.choices = append(mc.choices, modelChoice{label: ref.Label, ref: ref})
	}
	for _, f := range files {
		if ref, err := engine.ParseModelRef(f, ""); err == nil {
			mc.choices = append(mc.choices, modelChoice{label: "File: " + ref.Label, ref: ref})
		}
	}
	switch {
	case !loaded:
		mc.fitNote = "Checking this machine's memory: models that do not fit will be left out."
	case st.Machine.UsableRAM() > 0:
		mc.fitNote = fmt.Sprintf("Twins listed fit this machine (RAM %s) by slmscope's fit rule: weights, KV cache at %d tokens and runtime.", st.RAMText(), engine.TwinRunContext)
	}
	if len(mc.tooBig) > 0 {
		mc.fitNote += fmt.Sprintf(" %d larger models need more memory than that at %s; the Compare screen projects them.", len(mc.tooBig), q)
	}
	return mc
}

// applyChoices puts a built list in the picker, keeping the chosen model where it can: by its
// key, or the same catalog model at the new quant.
func (l *liveRun) applyChoices(mc modelChoices) {
	l.choices = mc.choices
	labels := make([]string, len(l.choices))
	for i, c := range l.choices {
		labels[i] = c.label
	}
	want := engine.ModelKey("")
	if c := l.selected(); c != nil {
		want = c.ref.Key()
	} else if k, err := engine.ParseModelKey(l.a.fyne.Preferences().String(prefLiveModel)); err == nil {
		want = k
	}
	l.modelSel.SetOptions(labels)
	l.modelSel.ClearSelected()
	l.modelSel.SetSelectedIndex(pickChoice(l.choices, want))
	l.fitNote.SetText(strings.TrimSpace(mc.fitNote))
	l.choicesShown++
}

// pickChoice is the index of the choice with key want, else the same catalog model in another
// quant, else the first choice (-1 for none).
func pickChoice(choices []modelChoice, want engine.ModelKey) int {
	wantID, _, isTwin := want.Catalog()
	for i, c := range choices {
		if c.ref.Key() == want {
			return i
		}
	}
	for i, c := range choices {
		if id, _, ok := c.ref.Key().Catalog(); isTwin && ok && id == wantID {
			return i
		}
	}
	if len(choices) > 0 {
		return 0
	}
	return -1
}

// onMachine re-judges the model list when the machine is first known or its calibration
// changes (live RAM ticks do not rebuild it).
func (l *liveRun) onMachine(st engine.MachineState) {
	if st.Revision == l.machineRev {
		return
	}
	l.machineRev = st.Revision
	l.refreshChoices()
}

func (l *liveRun) onModelChanged() {
	l.syncModelTitle()
	if c := l.selected(); c != nil {
		l.a.fyne.Preferences().SetString(prefLiveModel, string(c.ref.Key()))
	}
}

func (l *liveRun) selected() *modelChoice {
	i := l.modelSel.SelectedIndex()
	if i < 0 || i >= len(l.choices) {
		return nil
	}
	return &l.choices[i]
}

func (l *liveRun) onOpenFile() {
	l.a.openFileDialog([]string{".gguf"}, l.showError, func(path string) {
		l.stage.SetText("Checking " + path + " …")
		l.spawn(func() { l.checkFileJob(path) })
	})
}

// rememberLiveFile puts path first in the Live run screen's recent files, once, keeping at
// most maxRecentFiles.
func (a *App) rememberLiveFile(path string) {
	p := a.fyne.Preferences()
	files := p.StringListWithFallback(prefLiveFiles, nil)
	files = append([]string{path}, removeString(files, path)...)
	if len(files) > maxRecentFiles {
		files = files[:maxRecentFiles]
	}
	p.SetStringList(prefLiveFiles, files)
}

func removeString(xs []string, s string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
