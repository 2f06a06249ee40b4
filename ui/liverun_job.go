package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/widget"

	"slmscope/charts"
	"slmscope/engine"
	"slmscope/internal/units"
)

// flushEvery bounds the live refresh rate: text, speed figure, counts and chart reach the
// screen at most 2.5 times a second however fast tokens arrive, less often where drawing is
// dear (liverun_pace.go). Every refresh makes the window repaint, and on a machine whose
// cores the worker needs, a window repainting per token cost the run two thirds of its
// speed (18–23 tok/s in the window against 64 headless).
const flushEvery = 400 * time.Millisecond

// niceDuringRun is how much lower the threads that draw the window run while a model
// generates (Linux; see internal/procself): the UI thread and the C libraries' threads (Mesa's
// software rasterizers where there is no GPU). Drawing then yields the cores to the worker
// being measured, while Go's threads, which read its tokens, keep their priority, so token
// timing stays honest on a busy machine.
const niceDuringRun = 10

// liveRunJob runs one generation off the UI goroutine. It is the only code of the Live run
// screen that calls fyne.Do.
type liveRunJob struct {
	l *liveRun

	mu       sync.Mutex
	text     strings.Builder // completed text not yet shown
	utf8     engine.UTF8Buffer
	n        int
	firstAt  time.Duration
	lastAt   time.Duration
	gapsMs   []float64
	stage    string
	frac     float64
	dirty    bool
	stageSet bool
	rss      uint64 // worker memory now and at peak, polled while the run lasts
	peakRSS  uint64
	model    string // the resolved model's label and whether it is a twin, for the chart
	twin     bool
	shownN   int // tokens the chart and counts last showed

	// The app's own CPU from the start of generation (procself), and the priority to put back.
	genAt          time.Time
	cpu0           time.Duration
	cpuOK          bool
	restore        func() bool // the UI thread's, to run on it
	restoreForeign func() bool // the C libraries' threads' (procself.LowerForeignThreads)
}

// latencyPoints caps the live latency chart's points (min/max per bucket keeps the spikes):
// about 3 pixels each on the card, and few objects to paint at each refresh.
const latencyPoints = 120

// memoryEvery is how often the worker's memory is polled during a run.
const memoryEvery = 500 * time.Millisecond

func newLiveRunJob(l *liveRun) *liveRunJob { return &liveRunJob{l: l} }

// runEnd is what the screen learns when a run ends.
type runEnd struct {
	sum    *engine.RunSummary
	err    error
	tokens int     // tokens received, also when the run failed
	appCPU float64 // the app's own CPU in cores while the model generated (0: unknown)
	judged liveJudgement
}

func (j *liveRunJob) run(ctx context.Context, req engine.RunRequest) {
	stop := j.startLoop(ctx)
	sum, err := j.l.session.Run(ctx, req, j.events())
	stop()
	end := j.end(sum, err)
	if err == nil && sum != nil && sum.Result != nil {
		end.judged = j.judge(ctx, sum)
	}
	j.l.a.do(func() { j.l.finished(end) })
}

// startLoop starts the refresh loop (flushEvery) and the memory poll; stop ends both and
// flushes what is left.
func (j *liveRunJob) startLoop(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		pace := newPacer()
		t := time.NewTimer(pace.next())
		defer t.Stop()
		mem := time.NewTicker(memoryEvery)
		defer mem.Stop()
		for {
			select {
			case <-t.C:
				j.flush()
				t.Reset(pace.next())
			case <-mem.C:
				rss, peak := j.l.session.Memory(ctx)
				j.mu.Lock()
				if rss > 0 && (rss != j.rss || peak != j.peakRSS) {
					j.rss, j.peakRSS, j.dirty = rss, peak, true
				}
				j.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-flushed
		j.mu.Lock()
		j.text.WriteString(j.utf8.Flush())
		j.dirty = true
		j.mu.Unlock()
		j.flush()
	}
}

// events are the run's callbacks; they only store what arrived, the loop shows it.
func (j *liveRunJob) events() engine.RunEvents {
	return engine.RunEvents{
		Stage: func(stage string, frac float64) {
			if stage == "generating" {
				j.startGenerating()
			}
			j.mu.Lock()
			j.stage, j.frac, j.stageSet = stage, frac, true
			j.mu.Unlock()
		},
		Resolved: func(ref engine.ModelRef) {
			j.mu.Lock()
			j.model, j.twin = ref.Label, ref.Twin
			j.mu.Unlock()
			j.l.a.do(func() { j.l.showModelKind(ref, true) })
		},
		Token: j.token,
	}
}

func (j *liveRunJob) token(t engine.Token) {
	j.mu.Lock()
	j.text.WriteString(j.utf8.Write(t.Piece))
	j.n = t.Index
	if t.Index == 1 {
		j.firstAt = t.At
	} else {
		j.gapsMs = append(j.gapsMs, float64(t.Gap.Nanoseconds())/1e6)
	}
	j.lastAt = t.At
	j.dirty = true
	j.mu.Unlock()
}

// startGenerating notes the app's CPU time and lowers the UI thread's priority.
func (j *liveRunJob) startGenerating() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.genAt.IsZero() {
		return
	}
	j.genAt = time.Now()
	j.cpu0, j.cpuOK = engine.ProcessCPUTime()
	j.l.a.onUIThread(func() {
		if restore, err := engine.LowerThread(niceDuringRun); err == nil {
			j.mu.Lock()
			j.restore = restore
			j.mu.Unlock()
		}
	})
	if restore, err := engine.LowerForeignThreads(niceDuringRun); err == nil {
		j.restoreForeign = restore // where there is no GPU, Mesa's threads draw the window
	}
}

// end puts the UI thread's priority back and measures the app's CPU share over the generation.
func (j *liveRunJob) end(sum *engine.RunSummary, err error) runEnd {
	j.mu.Lock()
	defer j.mu.Unlock()
	e := runEnd{sum: sum, err: err, tokens: j.n}
	if restore := j.restore; restore != nil {
		j.restore = nil
		j.l.a.onUIThread(func() { restore() })
	}
	if j.restoreForeign != nil {
		j.restoreForeign()
		j.restoreForeign = nil
	}
	if !j.genAt.IsZero() {
		cpu1, ok := engine.ProcessCPUTime()
		e.appCPU = engine.CPUShare(j.cpu0, cpu1, j.cpuOK, ok, time.Since(j.genAt))
	}
	return e
}

// flush moves what arrived since the last flush onto the screen in one fyne.Do, touching
// only the widgets whose content changed.
func (j *liveRunJob) flush() {
	j.mu.Lock()
	if !j.dirty && !j.stageSet {
		j.mu.Unlock()
		return
	}
	text := j.text.String()
	j.text.Reset()
	n, first, last := j.n, j.firstAt, j.lastAt
	stage, frac, stageSet := j.stage, j.frac, j.stageSet
	rss, peak := j.rss, j.peakRSS
	var latency charts.Chart
	newTokens := n > 0 && n != j.shownN
	if newTokens {
		latency = liveLatencyChart(j.gapsMs, j.model, j.twin) // decimated: a copy
		j.shownN = n
	}
	j.dirty, j.stageSet = false, false
	j.mu.Unlock()

	j.l.a.do(func() {
		l := j.l
		l.redraws++
		if stageSet {
			l.showStage(stage, frac)
		}
		l.out.Append(text)
		if newTokens {
			if n >= 2 && last > first {
				l.tps.Text = units.TokPerSec(float64(n-1) / (last - first).Seconds())
				l.tps.Refresh()
			}
			l.counts.SetText(fmt.Sprintf("%d tokens · first after %s", n, fmtMs(float64(first.Nanoseconds())/1e6)))
			l.latency.SetChart(latency)
		}
		if rss > 0 {
			setLabel(l.memory, fmt.Sprintf("Worker memory %s now, %s peak (measured: resident set)", units.BytesU(rss), units.BytesU(peak)))
		}
	})
}

// setLabel changes a label's text only when it differs, sparing a redraw.
func setLabel(w *widget.Label, text string) {
	if w.Text != text {
		w.SetText(text)
	}
}

// liveLatencyChart is the Live card's per-token latency chart, decimated for a cheap redraw.
// The model is named in the card already, so the narrow chart's title stays short; model is
// kept in the subtitle.
func liveLatencyChart(gapsMs []float64, model string, twin bool) charts.Chart {
	c := charts.TokenLatency(gapsMs, charts.LatencyOptions{Twin: twin})
	if model != "" {
		c.Subtitle = model + ". " + c.Subtitle
	}
	for i := range c.Series {
		c.Series[i].Points = charts.Decimate(c.Series[i].Points, latencyPoints)
	}
	return c
}

// showStage shows what the run is doing: a bar where progress is known, a spinner otherwise.
func (l *liveRun) showStage(stage string, frac float64) {
	switch {
	case stage == "generating":
		l.stage.SetText("Generating…")
		l.progress.Hide()
		l.busy.Stop()
		l.busy.Hide()
	case frac >= 0:
		l.stage.SetText(fmt.Sprintf("%s (%.0f%%)…", capitalize(stage), frac*100))
		l.busy.Stop()
		l.busy.Hide()
		l.progress.SetValue(frac)
		l.progress.Show()
	default:
		l.stage.SetText(capitalize(stage) + "…")
		l.progress.Hide()
		l.busy.Show()
		l.busy.Start()
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// liveChoicesJob builds the model list off the UI goroutine (sizing twins reads tokenizer
// files) and shows it if no newer list was asked for meanwhile.
type liveChoicesJob struct {
	l      *liveRun
	gen    int
	quant  engine.Quant
	files  []string
	state  engine.MachineState
	loaded bool
	then   func()
}

func (j *liveChoicesJob) run() {
	mc := buildModelChoices(j.quant, j.files, j.state, j.loaded)
	j.l.a.do(func() {
		if j.gen != j.l.choiceGen {
			return // a newer refresh is on its way
		}
		j.l.applyChoices(mc)
		if j.then != nil {
			j.then()
		}
	})
}

// checkFileJob checks a chosen GGUF file with slmscope's reader off the UI goroutine, then
// remembers it and selects it.
func (l *liveRun) checkFileJob(path string) {
	err := engine.CheckModelFile(path)
	l.a.do(func() {
		if err != nil {
			l.stage.SetText("That file was not opened.")
			l.showError(err)
			return
		}
		l.a.rememberLiveFile(path)
		l.refreshChoicesThen(func() {
			for i, c := range l.choices {
				if !c.ref.Twin && c.ref.Path == path {
					l.modelSel.SetSelectedIndex(i)
				}
			}
			l.stage.SetText("Opened " + path + ". Press Run.")
		})
	})
}

// recordRun appends a finished Live run to the run history off the UI goroutine, with the
// app's own CPU during it (cores; 0: unknown) and slmscope's projection for it (jd); a failure
// is said on the stage line, and the run's figures stay on screen.
func (l *liveRun) recordRun(sum *engine.RunSummary, appCPU float64, jd liveJudgement) {
	st, _ := l.a.machine.Current()
	run := engine.RunFromSummary(sum, st.Key, appCPU)
	guess := l.guess.atRun
	if guess > 0 {
		l.a.lessonState() // the prediction record lives with quiz progress
	}
	l.spawn(func() {
		run = l.withGuess(run, guess, jd)
		if err := engine.Record(run); err != nil {
			l.a.do(func() { l.stage.SetText(l.stage.Text + " (not added to the run history: " + err.Error() + ")") })
		}
	})
}
