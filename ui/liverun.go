package ui

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/charts"
	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/ui/chartview"
)

// Preference keys of the Live run screen. live.last_* are read by the lesson's live facts.
// autoThreads is the Live run's default thread choice: the run picks them as it starts, a
// core less for each one other programs keep busy (engine.ChooseThreads), because llama.cpp's
// threads wait for each other and one sharing its core slows them all (README, "Threads on a
// busy machine": 3.9 tok/s on 2 threads beside two busy programs, 97 on 1).
const autoThreads = "Auto"

const (
	prefLiveModel = "live.model_key" // an ident.Key, never a label
	prefLiveQuant = "live.quant"
	// prefLiveThreads is 0 or unset for autoThreads. It has a new key since Auto came: every run
	// stored the old default ("live.threads", all cores) as if it had been chosen.
	prefLiveThreads  = "live.threadChoice"
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
	liveSides // the split's two sides, swapped in presenter mode (liverun_presenter.go)
	a         *App
	session   *engine.Session
	spawn     func(func()) // runs work off the UI goroutine (tests may run it inline)
	// project and pace judge a finished run against slmscope's projection (liverun_judge.go)
	project projectFunc
	pace    paceFunc
	// machineRev is the machine revision the model list was judged against (-1: not loaded).
	machineRev int

	choices   []modelChoice
	modelSel  *widget.Select
	quantSel  *widget.Select
	sampling  *widget.Select
	threads   *widget.Select
	device    *deviceRow // where the model runs (liverun_device.go)
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
	guess        *guessBox // predict, then measure (predict.go)

	stage    *widget.Label
	progress *widget.ProgressBar
	busy     *widget.ProgressBarInfinite
	out      *streamText // the streamed answer (liverun_output.go)
	twinTag  *widget.Label
	tps      *canvas.Text
	tpsHow   *widget.Label
	counts   *widget.Label
	memory   *widget.Label
	latency  *chartview.View
	stats    *fyne.Container
	errBox   *widget.Label
	errCard  *fyne.Container
	// Presenter mode (liverun_presenter.go): the model's name in large type, the panes it
	// hides, and the split it widens.
	modelTitle *widget.Label
	secondary  []fyne.CanvasObject
	split      *container.Split
	errMore    *widget.Accordion // "Details": the full error and llama.cpp's log (liverun_failure.go)
	errLog     *widget.Label

	cancel context.CancelFunc
	// redraws counts the live refreshes put on screen (tests bound it: liverun_redraw_test.go).
	redraws int
}

func newLiveRunScreen(a *App) fyne.CanvasObject {
	return newLiveRun(a).buildUI()
}

// newLiveRun is the screen's state, with background work on goroutines.
func newLiveRun(a *App) *liveRun {
	a.hub()
	return &liveRun{a: a, session: a.session, spawn: func(f func()) { go f() }, machineRev: -1,
		project: engine.ProjectRun, pace: realPace(a)}
}

// buildUI makes the screen's widgets, lays them out and connects them to the app.
func (l *liveRun) buildUI() fyne.CanvasObject {
	openBtn := l.newSettingsWidgets(l.a.fyne.Preferences())
	l.newActionWidgets()
	l.newOutputWidgets()
	l.newLiveWidgets()
	split := l.layoutScreen(openBtn)
	l.a.onPresenter(l.setPresenter)
	l.connect()
	return split
}

// newSettingsWidgets makes the run settings (model, quantization, threads, sampling, max
// tokens, prompt), starting from the last ones used; it returns the button that opens a file.
func (l *liveRun) newSettingsWidgets(p fyne.Preferences) *widget.Button {
	quants := engine.TwinQuants()
	names := make([]string, len(quants))
	for i, q := range quants {
		names[i] = q.String()
	}
	l.quantSel = widget.NewSelect(names, func(string) { l.refreshChoices() })
	l.quantSel.SetSelected(p.StringWithFallback(prefLiveQuant, "Q8_0"))
	l.modelSel = widget.NewSelect(nil, func(string) { l.onModelChanged() })
	l.modelSel.PlaceHolder = "Choose a model"
	openBtn := widget.NewButtonWithIcon("Open GGUF file…", theme.FolderOpenIcon(), l.onOpenFile)

	threadOpts := []string{autoThreads}
	for i := 1; i <= runtime.NumCPU(); i++ {
		threadOpts = append(threadOpts, strconv.Itoa(i))
	}
	l.threads = widget.NewSelect(threadOpts, nil)
	l.threads.SetSelected(autoThreads)
	if n := p.IntWithFallback(prefLiveThreads, 0); n >= 1 && n <= runtime.NumCPU() {
		l.threads.SetSelected(strconv.Itoa(n))
	}
	l.sampling = l.newSamplingSelect()
	l.device = newDeviceRow(p)
	l.maxTokens = widget.NewEntry()
	l.maxTokens.SetText(strconv.Itoa(p.IntWithFallback(prefLiveMax, defaultMaxTokens)))
	l.prompt = newMultiLineShortcutEntry(l.a)
	l.prompt.Wrapping = fyne.TextWrapWord
	l.prompt.SetText(p.StringWithFallback(prefLivePrompt, engine.DefaultPrompt))
	l.prompt.SetMinRowsVisible(2)
	return openBtn
}

// newActionWidgets makes the guess box, Run and Stop, and the notes on fit and on the twin
// cache.
func (l *liveRun) newActionWidgets() {
	l.guess = newGuessBox()
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
}

// newOutputWidgets makes what shows a run as it streams: its stage, progress and tokens.
func (l *liveRun) newOutputWidgets() {
	l.stage = widget.NewLabel("Ready. Press Run (Ctrl+Enter) to stream tokens from the chosen model; Stop is Ctrl+.")
	l.stage.Wrapping = fyne.TextWrapWord // a long sentence must not widen the window
	l.progress = widget.NewProgressBar()
	l.progress.Hide()
	l.busy = widget.NewProgressBarInfinite()
	l.busy.Stop()
	l.busy.Hide()
	l.out = newStreamText()
	l.out.scroll.SetMinSize(fyne.NewSize(300, 120)) // fits 1024×640 with the controls above
	l.twinTag = widget.NewLabelWithStyle(units.TwinDisclaimer, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.twinTag.Importance = widget.WarningImportance
	l.twinTag.Hide()
}

// newLiveWidgets makes the live figures (speed, counts, memory, token latency), the last
// run's stats and the error card.
func (l *liveRun) newLiveWidgets() {
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
	l.buildErrorCard()
}

// layoutScreen arranges the widgets: settings, prompt and output on the left, live figures
// and the last run's stats on the right.
func (l *liveRun) layoutScreen(openBtn *widget.Button) *container.Split {
	form := widget.NewForm(
		widget.NewFormItem("Model", container.NewBorder(nil, nil, nil, openBtn, l.modelSel)),
		widget.NewFormItem("Quantization", l.quantSel),
		// Two settings a row, so the form fits a 1024×640 projector.
		widget.NewFormItem("Threads", container.NewGridWithColumns(2, l.threads,
			container.NewBorder(nil, nil, widget.NewLabel("Max tokens"), nil, l.maxTokens))),
		widget.NewFormItem("Sampling", l.sampling),
		widget.NewFormItem("Your guess", l.guess.entry),
	)
	cacheRow := container.NewBorder(nil, nil, nil, l.clearBtn, l.cacheNote)
	controls := container.NewVBox(form, l.device.row, l.fitNote, cacheRow, widget.NewLabel("Prompt"), l.prompt,
		container.NewHBox(l.runBtn, l.stopBtn, layout.NewSpacer(), glossaryButton(l.a, liveRunTerms...)), l.errCard)
	l.modelTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.modelTitle.SizeName = theme.SizeNameHeadingText
	l.modelTitle.Wrapping = fyne.TextWrapWord
	l.modelTitle.Hide()
	live := widget.NewCard("Live", "",
		container.NewVBox(l.modelTitle, l.tps, l.tpsHow, l.counts, l.memory, l.latency))
	statsCard := widget.NewCard("Last run", "", container.NewVBox(l.guess.outcome, l.stats))
	l.secondary = []fyne.CanvasObject{form, l.fitNote, cacheRow, statsCard}
	l.stats.Add(widget.NewLabel("No run yet: stats appear here when a run finishes."))
	right := container.NewVScroll(container.NewVBox(live, statsCard))
	right.SetMinSize(fyne.NewSize(340, 200))
	outputPane := container.NewBorder(container.NewVBox(l.stage, l.progress, l.busy, l.twinTag), nil, nil, nil, l.out.scroll)
	// In a scroll, so that a long note (a wrapped fit or cache note on a small screen) never
	// makes the window taller than a 640-pixel projector: it grew to 675 while models loaded.
	left := container.NewVScroll(container.NewBorder(controls, nil, nil, nil, outputPane))
	split := container.NewHSplit(left, right)
	split.Offset = 0.62
	l.split = split
	return split
}

// connect follows the machine and the app's open-in-Live requests, fills the choices, adds
// the screen's shortcuts and warms the worker up.
func (l *liveRun) connect() {
	l.a.observeMachine(l.onMachine)
	l.a.openInLive = l.openPath
	if l.machineRev < 0 {
		l.refreshChoices()
	}
	l.updateCacheNote()
	// Compare's calibration and bench write twins too: read the cache again on each return.
	l.a.onShown(screenLiveRun, l.updateCacheNote)
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
	go l.prewarm() // the first run only has to load the model; the worker lists the GPUs
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
	th, _ := strconv.Atoi(l.threads.Selected) // autoThreads reads as 0: the run chooses
	if strings.TrimSpace(l.prompt.Text) == "" {
		return engine.RunRequest{}, fmt.Errorf("the prompt is empty: type something for the model to continue")
	}
	sampling := l.samplingValue()
	if c.ref.Twin {
		// A twin's words are noise, so sampling them only costs time: twins decode greedily,
		// as `slmscope bench` does, and a Live run measures what the headless bench measures.
		sampling = engine.Sampling{Greedy: true}
	}
	device, layers, err := l.device.value()
	if err != nil {
		return engine.RunRequest{}, err
	}
	return engine.RunRequest{Model: c.ref, Threads: th, Context: 2048, MaxTokens: n, Prompt: l.prompt.Text,
		Chat: true, Sampling: sampling, Device: device, GPULayers: layers}, nil
}

func (l *liveRun) onRun() {
	if l.cancel != nil {
		return // already running
	}
	req, err := l.request()
	if err == nil {
		err = l.guess.takeAtRun()
	}
	if err != nil {
		l.showError(err)
		return
	}
	p := l.a.fyne.Preferences()
	p.SetInt(prefLiveThreads, req.Threads)
	p.SetInt(prefLiveMax, req.MaxTokens)
	p.SetString(prefLivePrompt, req.Prompt)
	l.device.remember(p)

	l.errCard.Hide()
	l.out.Reset()
	l.tps.Text = "—"
	l.tps.Refresh()
	l.counts.SetText("")
	l.latency.SetChart(liveLatencyChart(nil, req.Model.Label, req.Model.Twin))
	l.showModelKind(req.Model, false)
	l.runBtn.Disable()
	l.stopBtn.Enable()
	// A focused entry blinks its cursor, and every blink repaints the window: give the cores
	// to the model while it runs (Ctrl+. still stops it).
	l.a.win.Canvas().Unfocus()
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
