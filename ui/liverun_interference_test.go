package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"slmscope/engine"
	"slmscope/engine/runs"
	"slmscope/internal/interference"
)

// disturbedSampling reports every run as slowed by another program on one of 2 cores.
type disturbedSampling struct{}

func (disturbedSampling) Stop() engine.InterferenceReport {
	return engine.InterferenceReport{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true, Why: "other programs used 0.93 of 2 cores during the run"}
}

// A Live run that another program slowed says so in one sentence on the stage line and at the
// top of the stats card, and the run history marks it.
func TestLiveRunSaysWhenDisturbed(t *testing.T) {
	opts := testWorkerOptions()
	opts.Interference = func(threads int, pids ...int) interference.Sampling { return disturbedSampling{} }
	_, l := liveRunOnTinyWith(t, opts)
	l.maxTokens.SetText("8")
	test.Tap(l.runBtn)
	waitFor(t, "the run to finish", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	want := "Another program used 0.93 of 2 cores during this run, so this speed is lower than the machine can do: close it, or run with fewer threads."
	if !strings.HasSuffix(l.stage.Text, want) {
		t.Errorf("stage %q, want it to end with %q", l.stage.Text, want)
	}
	stats := cardsText(l.stats)
	if !strings.HasPrefix(strings.TrimSpace(stats), want) || !strings.Contains(stats, "0.93 of 2 cores: this run was slowed") {
		t.Errorf("stats card:\n%s\nwant the sentence first and the Other programs row", stats)
	}
	path, err := runs.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run in the history", 10*time.Second, func() bool {
		rs, _, _ := runs.Load(path)
		return len(rs) > 0 && rs[len(rs)-1].Interference != nil && rs[len(rs)-1].Interference.Disturbed
	})
}
