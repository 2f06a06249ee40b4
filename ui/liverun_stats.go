package ui

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
)

// The Live run screen's end of a run: the stop reason and the stats card, every figure labelled
// with how it was measured.

// finished runs on the UI goroutine when a run ends, successfully or not. A failed run says
// so in one line (details folded away) and leaves the "Last run" card on the last run that
// completed.
func (l *liveRun) finished(end runEnd) {
	sum, err := end.sum, end.err
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
		if end.tokens > 0 {
			l.stage.SetText(fmt.Sprintf("The run did not finish: %d tokens arrived.", end.tokens))
		} else {
			l.stage.SetText("The run did not finish.")
		}
		l.showFailure(engine.DescribeFailure(err, end.tokens))
		return
	}
	if sum == nil || sum.Result == nil {
		return
	}
	r := sum.Result
	if r.Cancelled {
		l.stage.SetText(fmt.Sprintf("Stopped after %d tokens.", r.GenTokens))
	} else {
		l.stage.SetText(fmt.Sprintf("Done: %d tokens (%s).", r.GenTokens, stopReasonText(r.StopReason)))
	}
	if warn := runWarning(r); warn != "" {
		l.stage.SetText(l.stage.Text + " " + warn)
	}
	l.showStats(sum, end.appCPU)
	l.showChatNote(sum)
	l.updateCacheNote() // a run may have written a twin
	if r.GenTokens >= 2 {
		p := l.a.fyne.Preferences()
		p.SetFloat(prefLastGenTPS, r.GenTPS())
		p.SetString(prefLastModel, sum.Model.Label)
		p.SetString(prefLastWhen, time.Now().UTC().Format(time.RFC3339))
		p.SetFloat(prefLastPeakRSS, float64(r.Stats.PeakRSSBytes))
		p.SetFloat(prefLastParams, float64(sum.Model.Params))
		p.SetString(prefLastQuant, sum.Model.Quant.String())
		l.recordRun(sum, end.appCPU, end.judged)
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
func (l *liveRun) showStats(sum *engine.RunSummary, appCPU float64) {
	r := sum.Result
	rows := [][3]string{
		{"Model", sum.Model.Label, sum.Model.Path},
		{"Params", units.Params(sum.Model.Params), "counted from the file's tensors"},
		{"File", units.Bytes(sum.Model.Bytes) + ", " + sum.Model.Quant.String(), ""},
		threadsRow(sum),
		{"Device", sum.Placement.Summary(), placementHow(sum.Placement)},
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
	if appCPU > 0 {
		rows = append(rows, [3]string{"This window's CPU", units.Percent(appCPU) + " of a core", "measured: the app's own CPU time while the model generated"})
	}
	rows = append(rows, [3]string{"Other programs", otherProgramsText(r.Interference),
		"measured: all busy CPU time minus this app's and its worker's, while the model generated"})
	rows = append(rows, [3]string{"Steadiness", steadinessOf(r).Figure(), engine.SteadinessHow()})
	if sum.Model.Twin {
		rows = append(rows, [3]string{"Text", units.TwinDisclaimer, "weights are deterministic noise in the real shapes"})
	}
	l.stats.RemoveAll()
	if warn := runWarning(r); warn != "" {
		w := widget.NewLabel(warn)
		w.Importance = widget.WarningImportance
		w.Wrapping = fyne.TextWrapWord
		l.stats.Add(w)
	}
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

// placementHow says how the device was chosen and what llama.cpp put on each device.
func placementHow(p engine.Placement) string {
	how := "placed: " + p.Why
	if b := p.BufferText(); b != "" {
		how += "; llama.cpp's buffers: " + b
	}
	if p.BuildNote != "" {
		how += "; " + p.BuildNote
	}
	if p.ReadWhy != "" {
		how += "; weights " + p.ReadWhy
	}
	return how
}

// steadinessOf is how evenly a run's tokens came.
func steadinessOf(r *engine.Result) engine.Steadiness {
	return engine.SteadinessOf(r.GenTokens, r.GenTPS(), r.TokenMsPercentile(50), r.TokenMsPercentile(95))
}

// runWarning is the one sentence a run's speed needs: other programs slowed it, else its
// tokens came unevenly; "" when neither.
func runWarning(r *engine.Result) string {
	if s := r.Interference.Sentence(); s != "" {
		return s
	}
	return steadinessOf(r).Sentence()
}

// otherProgramsText is the "Other programs" figure: what else used the CPU during the run.
func otherProgramsText(f engine.InterferenceReport) string {
	if f.Disturbed {
		return f.Figure() + ": this run was slowed"
	}
	return f.Figure()
}

// threadsRow is the stats card's thread count, with how it was chosen when the run chose it.
func threadsRow(sum *engine.RunSummary) [3]string {
	if sum.ThreadsWhy == "" {
		return [3]string{"Threads", strconv.Itoa(sum.Threads), fmt.Sprintf("your choice · context %d", sum.Info.Context)}
	}
	return [3]string{"Threads", strconv.Itoa(sum.Threads) + " (auto)", fmt.Sprintf("chosen as the run started: %s · context %d", sum.ThreadsWhy, sum.Info.Context)}
}
