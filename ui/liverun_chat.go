package ui

import (
	"time"

	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
)

// Chat with real models on the Live run screen: a real instruct model's prompt goes through
// its own chat template and its words are shown as its answer, labelled "real model"; twin
// output keeps the twin disclaimer. The sampling choice is remembered by a stable key.

// prefLiveSampling remembers the sampling choice by its key (samplingChoices).
const prefLiveSampling = "live.sampling"

// samplingChoice is one entry of the Sampling picker.
type samplingChoice struct {
	key   string // stored in preferences
	label string
}

// samplingChoices are the Live run's sampling settings for real models, the default first.
// Twins, benchmarks and the calibration always decode greedily, whatever is chosen here.
var samplingChoices = []samplingChoice{
	{"chat", "Real models: temperature 0.7, top-p 0.9, fixed seed (twins: greedy)"},
	{"chat-new-seed", "Chat: temperature 0.7, top-p 0.9, new seed each run"},
	{"greedy", "Greedy: the most likely token every time (as benchmarks do)"},
}

// newSamplingSelect is the Sampling picker, showing the remembered choice.
func (l *liveRun) newSamplingSelect() *widget.Select {
	labels := make([]string, len(samplingChoices))
	for i, c := range samplingChoices {
		labels[i] = c.label
	}
	sel := widget.NewSelect(labels, func(string) {
		if k := l.samplingKey(); k != "" {
			l.a.fyne.Preferences().SetString(prefLiveSampling, k)
		}
	})
	want := l.a.fyne.Preferences().StringWithFallback(prefLiveSampling, samplingChoices[0].key)
	sel.SetSelectedIndex(0)
	for i, c := range samplingChoices {
		if c.key == want {
			sel.SetSelectedIndex(i)
		}
	}
	return sel
}

// samplingKey is the chosen sampling's key ("" before the picker exists).
func (l *liveRun) samplingKey() string {
	if l.sampling == nil {
		return ""
	}
	if i := l.sampling.SelectedIndex(); i >= 0 && i < len(samplingChoices) {
		return samplingChoices[i].key
	}
	return samplingChoices[0].key
}

// samplingValue is the engine setting for the chosen sampling.
func (l *liveRun) samplingValue() engine.Sampling {
	switch l.samplingKey() {
	case "greedy":
		return engine.Sampling{Greedy: true}
	case "chat-new-seed":
		return engine.Sampling{Seed: uint32(time.Now().UnixNano()) | 1}
	}
	return engine.Sampling{}
}

// Texts of the model-kind tag above the output.
const (
	realModelTag = "real model: your prompt goes in as a chat message through the model's own chat template; the text below is its answer"
	realPlainTag = "real model: no chat template in the file, so the model continues your prompt as plain text"
)

// showModelKind labels the output: the twin disclaimer for twins, "real model" for real
// files (with how the prompt reaches it). A file not yet resolved may still turn out to be a
// twin, so it gets no tag until it is.
func (l *liveRun) showModelKind(ref engine.ModelRef, resolved bool) {
	switch {
	case ref.Twin:
		l.twinTag.SetText(units.TwinDisclaimer)
		l.twinTag.Importance = widget.WarningImportance
	case !resolved:
		l.twinTag.Hide()
		return
	case ref.ChatTemplate:
		l.twinTag.SetText(realModelTag)
		l.twinTag.Importance = widget.SuccessImportance
	default:
		l.twinTag.SetText(realPlainTag)
		l.twinTag.Importance = widget.SuccessImportance
	}
	l.twinTag.Show()
	l.twinTag.Refresh()
}

// showChatNote puts what the worker reported about the prompt's format on the tag once the
// run is done (llama.cpp may not know a file's template).
func (l *liveRun) showChatNote(sum *engine.RunSummary) {
	if sum == nil || sum.Result == nil || sum.Model.Twin {
		return
	}
	if note := sum.Result.Chat.Note(); note != "" {
		l.twinTag.SetText(note)
		l.twinTag.Refresh()
	}
}

// openPath checks a model file and chooses it (the "Open in Live run" of other screens).
func (l *liveRun) openPath(path string) {
	l.stage.SetText("Checking " + path + " …")
	l.spawn(func() { l.checkFileJob(path) })
}
