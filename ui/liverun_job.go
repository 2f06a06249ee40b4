package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"slmscope/charts"
	"slmscope/engine"
	"slmscope/engine/quant"
	"slmscope/engine/units"
)

// flushEvery batches token updates: one UI refresh per ~30 ms however fast tokens arrive.
const flushEvery = 30 * time.Millisecond

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
}

// latencyPoints caps the live latency chart's points (min/max per bucket keeps the spikes).
const latencyPoints = 400

// memoryEvery is how often the worker's memory is polled during a run.
const memoryEvery = 500 * time.Millisecond

func newLiveRunJob(l *liveRun) *liveRunJob { return &liveRunJob{l: l} }

func (j *liveRunJob) run(ctx context.Context, req engine.RunRequest) {
	stop := make(chan struct{})
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		mem := time.NewTicker(memoryEvery)
		defer mem.Stop()
		for {
			select {
			case <-t.C:
				j.flush()
			case <-mem.C:
				rss, peak := j.l.session.Memory(ctx)
				j.mu.Lock()
				if rss > 0 {
					j.rss, j.peakRSS, j.dirty = rss, peak, true
				}
				j.mu.Unlock()
			case <-stop:
				return
			}
		}
	}()
	sum, err := j.l.session.Run(ctx, req, engine.RunEvents{
		Stage: func(stage string, frac float64) {
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
		Token: func(t engine.Token) {
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
		},
	})
	close(stop)
	<-flushed
	j.mu.Lock()
	j.text.WriteString(j.utf8.Flush())
	j.dirty = true
	j.mu.Unlock()
	j.flush()
	j.l.a.do(func() { j.l.finished(sum, err) })
}

// flush moves what arrived since the last flush onto the screen in one fyne.Do.
func (j *liveRunJob) flush() {
	j.mu.Lock()
	if !j.dirty && !j.stageSet {
		j.mu.Unlock()
		return
	}
	text := j.text.String()
	j.text.Reset()
	n, first, last := j.n, j.firstAt, j.lastAt
	gaps := append([]float64(nil), j.gapsMs...)
	stage, frac, stageSet := j.stage, j.frac, j.stageSet
	rss, peak := j.rss, j.peakRSS
	model, twin := j.model, j.twin
	j.dirty, j.stageSet = false, false
	j.mu.Unlock()
	var latency charts.Chart
	if n > 0 {
		latency = liveLatencyChart(gaps, model, twin)
	}

	j.l.a.do(func() {
		l := j.l
		if stageSet {
			l.showStage(stage, frac)
		}
		if text != "" {
			l.output.SetText(l.output.Text + text)
			l.outputSc.ScrollToBottom()
		}
		if n > 0 {
			if n >= 2 && last > first {
				l.tps.Text = fmt.Sprintf("%.1f tok/s", float64(n-1)/(last-first).Seconds())
				l.tps.Refresh()
			}
			l.counts.SetText(fmt.Sprintf("%d tokens · first after %s", n, fmtMs(float64(first.Nanoseconds())/1e6)))
			l.latency.SetChart(latency)
		}
		if rss > 0 {
			l.memory.SetText(fmt.Sprintf("Worker memory %s now, %s peak (measured: resident set)", units.BytesU(rss), units.BytesU(peak)))
		}
	})
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
	quant  quant.Quant
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
		p := l.a.fyne.Preferences()
		files := p.StringListWithFallback(prefLiveFiles, nil)
		files = append([]string{path}, removeString(files, path)...)
		if len(files) > maxRecentFiles {
			files = files[:maxRecentFiles]
		}
		p.SetStringList(prefLiveFiles, files)
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

// recordRun appends a finished Live run to the run history off the UI goroutine; a failure
// is said on the stage line, and the run's figures stay on screen.
func (l *liveRun) recordRun(sum *engine.RunSummary) {
	st, _ := l.a.machine.Current()
	run := engine.RunFromSummary(sum, st.Key, 0)
	guess := l.guess.atRun
	if guess > 0 {
		l.a.lessonState() // the prediction record lives with quiz progress
	}
	l.spawn(func() {
		run = l.withGuess(sum, st, run, guess)
		if err := engine.Record(run); err != nil {
			l.a.do(func() { l.stage.SetText(l.stage.Text + " (not added to the run history: " + err.Error() + ")") })
		}
	})
}
