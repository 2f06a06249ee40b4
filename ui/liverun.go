package ui

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/charts"
	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/ident"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
	"slmscope/engine/units"
	"slmscope/ui/chartview"
)

// Preference keys of the Live run screen. live.last_* are read by the lesson's live facts.
const (
	prefLiveModel    = "live.model_key" // an ident.Key, never a label
	prefLiveQuant    = "live.quant"
	prefLiveThreads  = "live.threads"
	prefLiveMax      = "live.max_tokens"
	prefLivePrompt   = "live.prompt"
	prefLiveFiles    = "live.files"
	prefLastGenTPS   = "live.last_gen_tps"
	prefLastModel    = "live.last_model"
	prefLastWhen     = "live.last_when"
	prefLastPeakRSS  = "live.last_peak_rss"
	prefLastParams   = "live.last_params"
	prefLastQuant    = "live.last_quant"
	maxRecentFiles   = 8
	defaultMaxTokens = 128
)

// modelChoice is one entry of the model picker.
type modelChoice struct {
	label string
	ref   engine.ModelRef
}

// liveRun is the Live run screen: pick a model, run it, watch tokens and timings arrive.
type liveRun struct {
	a       *App
	session *engine.Session
	spawn   func(func()) // runs work off the UI goroutine (tests may run it inline)
	// machineRev is the machine revision the model list was judged against (-1: not loaded).
	machineRev int

	choices   []modelChoice
	modelSel  *widget.Select
	quantSel  *widget.Select
	threads   *widget.Select
	maxTokens *widget.Entry
	prompt    *shortcutEntry
	runBtn    *widget.Button
	stopBtn   *widget.Button
	fitNote   *widget.Label
	// choiceGen numbers list refreshes (only the newest is shown); choicesShown counts the
	// lists put on screen.
	choiceGen    int
	choicesShown int
	cacheNote    *widget.Label
	clearBtn     *widget.Button

	stage    *widget.Label
	progress *widget.ProgressBar
	busy     *widget.ProgressBarInfinite
	output   *widget.Label
	outputSc *container.Scroll
	twinTag  *widget.Label
	tps      *canvas.Text
	tpsHow   *widget.Label
	counts   *widget.Label
	memory   *widget.Label
	latency  *chartview.View
	stats    *fyne.Container
	errBox   *widget.Label
	errCard  *fyne.Container

	cancel context.CancelFunc
}

func newLiveRunScreen(a *App) fyne.CanvasObject {
	return newLiveRun(a).buildUI()
}

// newLiveRun is the screen's state, with background work on goroutines.
func newLiveRun(a *App) *liveRun {
	a.hub()
	return &liveRun{a: a, session: a.session, spawn: func(f func()) { go f() }, machineRev: -1}
}

func (l *liveRun) buildUI() fyne.CanvasObject {
	p := l.a.fyne.Preferences()
	l.quantSel = widget.NewSelect([]string{"F16", "Q8_0", "Q4_0"}, func(string) { l.refreshChoices() })
	l.quantSel.SetSelected(p.StringWithFallback(prefLiveQuant, "Q8_0"))
	l.modelSel = widget.NewSelect(nil, func(string) { l.onModelChanged() })
	l.modelSel.PlaceHolder = "Choose a model"
	openBtn := widget.NewButtonWithIcon("Open GGUF file…", theme.FolderOpenIcon(), l.onOpenFile)

	var threadOpts []string
	for i := 1; i <= runtime.NumCPU(); i++ {
		threadOpts = append(threadOpts, strconv.Itoa(i))
	}
	l.threads = widget.NewSelect(threadOpts, nil)
	l.threads.SetSelected(strconv.Itoa(min(max(p.IntWithFallback(prefLiveThreads, runtime.NumCPU()), 1), runtime.NumCPU())))
	l.maxTokens = widget.NewEntry()
	l.maxTokens.SetText(strconv.Itoa(p.IntWithFallback(prefLiveMax, defaultMaxTokens)))
	l.prompt = newMultiLineShortcutEntry(l.a)
	l.prompt.Wrapping = fyne.TextWrapWord
	l.prompt.SetText(p.StringWithFallback(prefLivePrompt, engine.DefaultPrompt))
	l.prompt.SetMinRowsVisible(3)

	l.runBtn = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), l.onRun)
	l.runBtn.Importance = widget.HighImportance
	l.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), l.onStop)
	l.stopBtn.Disable()
	l.fitNote = widget.NewLabel("")
	l.fitNote.Wrapping = fyne.TextWrapWord
	l.fitNote.Importance = widget.LowImportance
	l.cacheNote = widget.NewLabel("")
	l.cacheNote.Wrapping = fyne.TextWrapWord
	l.cacheNote.Importance = widget.LowImportance
	l.clearBtn = widget.NewButtonWithIcon("Clear twins…", theme.DeleteIcon(), l.onClearTwins)

	l.stage = widget.NewLabel("Ready. Press Run (Ctrl+Enter) to stream tokens from the chosen model; Stop is Ctrl+.")
	l.progress = widget.NewProgressBar()
	l.progress.Hide()
	l.busy = widget.NewProgressBarInfinite()
	l.busy.Stop()
	l.busy.Hide()
	l.output = widget.NewLabel("")
	l.output.Wrapping = fyne.TextWrapWord
	l.outputSc = container.NewVScroll(l.output)
	l.outputSc.SetMinSize(fyne.NewSize(300, 220))
	l.twinTag = widget.NewLabelWithStyle(units.TwinDisclaimer, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.twinTag.Importance = widget.WarningImportance
	l.twinTag.Hide()

	l.tps = canvas.NewText("—", theme.Color(theme.ColorNameForeground))
	l.tps.TextSize = 34
	l.tps.TextStyle.Bold = true
	l.tpsHow = widget.NewLabel("tokens/s, measured live: tokens after the first ÷ time since the first")
	l.tpsHow.Wrapping = fyne.TextWrapWord
	l.tpsHow.Importance = widget.LowImportance
	l.counts = widget.NewLabel("")
	l.memory = widget.NewLabel("")
	l.memory.Wrapping = fyne.TextWrapWord
	l.latency = chartview.New(charts.TokenLatency(nil, charts.LatencyOptions{}))
	l.stats = container.NewVBox()
	l.errBox = widget.NewLabel("")
	l.errBox.Wrapping = fyne.TextWrapWord
	l.errBox.Importance = widget.DangerImportance
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { l.errCard.Hide() })
	l.errCard = container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), dismiss, l.errBox)
	l.errCard.Hide()

	form := widget.NewForm(
		widget.NewFormItem("Model", container.NewBorder(nil, nil, nil, openBtn, l.modelSel)),
		widget.NewFormItem("Quantization", l.quantSel),
		widget.NewFormItem("Threads", l.threads),
		widget.NewFormItem("Max tokens", l.maxTokens),
	)
	controls := container.NewVBox(form, l.fitNote, container.NewBorder(nil, nil, nil, l.clearBtn, l.cacheNote), widget.NewLabel("Prompt"), l.prompt,
		container.NewHBox(l.runBtn, l.stopBtn), l.errCard)
	live := widget.NewCard("Live", "",
		container.NewVBox(l.tps, l.tpsHow, l.counts, l.memory, l.latency))
	statsCard := widget.NewCard("Last run", "", l.stats)
	l.stats.Add(widget.NewLabel("No run yet: stats appear here when a run finishes."))
	right := container.NewVScroll(container.NewVBox(live, statsCard))
	right.SetMinSize(fyne.NewSize(340, 200))
	outputPane := container.NewBorder(container.NewVBox(l.stage, l.progress, l.busy, l.twinTag), nil, nil, nil, l.outputSc)
	left := container.NewBorder(controls, nil, nil, nil, outputPane)
	split := container.NewHSplit(left, right)
	split.Offset = 0.62

	l.a.observeMachine(l.onMachine)
	if l.machineRev < 0 {
		l.refreshChoices()
	}
	l.updateCacheNote()
	// Ctrl+Enter runs and Ctrl+. stops, but only while this screen is the one on show.
	l.a.addShortcut(fyne.KeyReturn, func() {
		if l.a.current == screenLiveRun {
			l.onRun()
		}
	})
	l.a.addShortcut(fyne.KeyPeriod, func() {
		if l.a.current == screenLiveRun {
			l.onStop()
		}
	})
	go func() { _ = l.session.Prewarm(context.Background()) }() // first run only has to load the model
	return split
}

// modelChoices is the model picker's content for one quantization.
type modelChoices struct {
	quant   quant.Quant
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
	q := quant.Canonical(l.quantSel.Selected)
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
func buildModelChoices(q quant.Quant, files []string, st engine.MachineState, loaded bool) modelChoices {
	mc := modelChoices{quant: q}
	tq, err := twin.ParseQuant(string(q))
	if err != nil {
		tq = twin.Q8_0
	}
	for _, m := range catalog.All() {
		if loaded {
			if v, err := st.Fit(m, tq, twin.RunContext); err == nil && !v.Fits && v.Placement != estimate.PlaceUnknown {
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
		mc.fitNote = fmt.Sprintf("Twins listed fit this machine (RAM %s) by slmscope's fit rule: weights, KV cache at %d tokens and runtime.", st.RAMText(), twin.RunContext)
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
	want := ident.Key("")
	if c := l.selected(); c != nil {
		want = c.ref.Key()
	} else if k, err := ident.Parse(l.a.fyne.Preferences().String(prefLiveModel)); err == nil {
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
func pickChoice(choices []modelChoice, want ident.Key) int {
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
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			l.showError(err)
			return
		}
		if rc == nil {
			return
		}
		path := rc.URI().Path()
		_ = rc.Close()
		l.stage.SetText("Checking " + path + " …")
		l.spawn(func() { l.checkFileJob(path) })
	}, l.a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".gguf", ".GGUF"}))
	d.Show()
}

func (l *liveRun) showError(err error) {
	l.errBox.SetText(err.Error())
	l.errCard.Show()
}

// request reads the form; the error says which field is wrong.
func (l *liveRun) request() (engine.RunRequest, error) {
	c := l.selected()
	if c == nil {
		return engine.RunRequest{}, fmt.Errorf("choose a model first (or open a GGUF file)")
	}
	n, err := strconv.Atoi(strings.TrimSpace(l.maxTokens.Text))
	if err != nil || n < 1 || n > 8192 {
		return engine.RunRequest{}, fmt.Errorf("max tokens must be a whole number from 1 to 8192, not %q", l.maxTokens.Text)
	}
	th, _ := strconv.Atoi(l.threads.Selected)
	if strings.TrimSpace(l.prompt.Text) == "" {
		return engine.RunRequest{}, fmt.Errorf("the prompt is empty: type something for the model to continue")
	}
	return engine.RunRequest{Model: c.ref, Threads: th, Context: 2048, MaxTokens: n, Prompt: l.prompt.Text}, nil
}

func (l *liveRun) onRun() {
	if l.cancel != nil {
		return // already running
	}
	req, err := l.request()
	if err != nil {
		l.showError(err)
		return
	}
	p := l.a.fyne.Preferences()
	p.SetInt(prefLiveThreads, req.Threads)
	p.SetInt(prefLiveMax, req.MaxTokens)
	p.SetString(prefLivePrompt, req.Prompt)

	l.errCard.Hide()
	l.output.SetText("")
	l.tps.Text = "—"
	l.tps.Refresh()
	l.counts.SetText("")
	l.latency.SetChart(liveLatencyChart(nil, req.Model.Label, req.Model.Twin))
	if req.Model.Twin {
		l.twinTag.Show()
	} else {
		l.twinTag.Hide()
	}
	l.runBtn.Disable()
	l.stopBtn.Enable()
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	job := newLiveRunJob(l)
	go job.run(ctx, req)
}

func (l *liveRun) onStop() {
	if l.cancel != nil {
		l.cancel()
		l.stage.SetText("Stopping…")
	}
}

// finished runs on the UI goroutine when a run ends, successfully or not.
func (l *liveRun) finished(sum *engine.RunSummary, err error) {
	// Buttons come back last, once everything the run produced is on screen.
	defer func() {
		l.cancel = nil
		l.runBtn.Enable()
		l.stopBtn.Disable()
	}()
	l.busy.Stop()
	l.busy.Hide()
	l.progress.Hide()
	if err != nil {
		l.stage.SetText("The run did not finish.")
		l.showError(err)
	}
	if sum == nil || sum.Result == nil {
		return
	}
	r := sum.Result
	switch {
	case r.Cancelled:
		l.stage.SetText(fmt.Sprintf("Stopped after %d tokens.", r.GenTokens))
	case err == nil:
		l.stage.SetText(fmt.Sprintf("Done: %d tokens (%s).", r.GenTokens, stopReasonText(r.StopReason)))
	}
	l.showStats(sum)
	l.updateCacheNote() // a run may have written a twin
	if err == nil && r.GenTokens >= 2 {
		p := l.a.fyne.Preferences()
		p.SetFloat(prefLastGenTPS, r.GenTPS())
		p.SetString(prefLastModel, sum.Model.Label)
		p.SetString(prefLastWhen, time.Now().UTC().Format(time.RFC3339))
		p.SetFloat(prefLastPeakRSS, float64(r.Stats.PeakRSSBytes))
		p.SetFloat(prefLastParams, float64(sum.Model.Params))
		p.SetString(prefLastQuant, sum.Model.Quant.String())
	}
}

func stopReasonText(s string) string {
	switch s {
	case "eos":
		return "the model ended its answer"
	case "max_tokens":
		return "reached max tokens"
	case "context_full":
		return "the context is full"
	}
	return s
}

// showStats fills the stats card: every field labelled with how it was measured.
func (l *liveRun) showStats(sum *engine.RunSummary) {
	r := sum.Result
	rows := [][3]string{
		{"Model", sum.Model.Label, sum.Model.Path},
		{"Params", units.Params(sum.Model.Params), "counted from the file's tensors"},
		{"File", units.Bytes(sum.Model.Bytes) + ", " + sum.Model.Quant.String(), ""},
		{"Threads", strconv.Itoa(sum.Threads), fmt.Sprintf("context %d", sum.Info.Context)},
		{"llama.cpp", "v" + sum.LlamaVersion, "runtime version checked by the worker"},
	}
	if sum.WorkerStartMs > 0 {
		rows = append(rows, [3]string{"Worker start", fmtMs(sum.WorkerStartMs), "measured: process start to llama.cpp ready"})
	}
	if sum.Reused {
		rows = append(rows, [3]string{"Model load", "already loaded", "the warm worker kept it from the last run"})
	} else {
		rows = append(rows, [3]string{"Model load", fmtMs(sum.LoadMs), "measured: llama.cpp load + context"})
	}
	rows = append(rows,
		[3]string{"Time to first token", fmtMs(float64(r.TTFT.Nanoseconds()) / 1e6), "measured: request sent → first token received"},
		[3]string{"Prompt", fmt.Sprintf("%d tokens, %.0f tok/s", r.PromptTokens, r.PromptTPS()), fmt.Sprintf("measured; llama.cpp counter %.0f tok/s", r.LlamaPromptTPS())},
		[3]string{"Generation", fmt.Sprintf("%d tokens, %.1f tok/s", r.GenTokens, r.GenTPS()), fmt.Sprintf("measured; llama.cpp counter %.1f tok/s", r.LlamaGenTPS())},
		[3]string{"Per-token latency", fmt.Sprintf("p50 %s, p95 %s", fmtMs(r.TokenMsPercentile(50)), fmtMs(r.TokenMsPercentile(95))), "measured between tokens received"},
	)
	peak := "unknown on this OS"
	if r.Stats.PeakRSSBytes > 0 {
		peak = units.BytesU(r.Stats.PeakRSSBytes)
	}
	rows = append(rows, [3]string{"Peak memory", peak, "measured: worker's peak resident set"})
	if sum.Model.Twin {
		rows = append(rows, [3]string{"Text", units.TwinDisclaimer, "weights are deterministic noise in the real shapes"})
	}
	l.stats.RemoveAll()
	for _, row := range rows {
		k := widget.NewLabelWithStyle(row[0], fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(row[1])
		v.Wrapping = fyne.TextWrapWord
		line := container.NewBorder(nil, nil, k, nil, v)
		l.stats.Add(line)
		if row[2] != "" {
			how := widget.NewLabel(row[2])
			how.Importance = widget.LowImportance
			how.Wrapping = fyne.TextWrapWord
			l.stats.Add(how)
		}
	}
}

func fmtMs(ms float64) string { return units.Millis(ms) }

func removeString(xs []string, s string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
