package ui

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"slmscope/internal/interference"
)

// Live run leaves the thread count to the run unless the person chose one: beside a program
// that keeps a core busy the run takes a core less and its stats say why; a chosen count is
// kept, remembered, and called the person's choice.
func TestLiveRunChoosesThreadsBesideABusyProgram(t *testing.T) {
	cores := runtime.NumCPU()
	if cores < 2 {
		t.Skip("one core: there is no core to leave to another program")
	}
	opts := testWorkerOptions()
	opts.Interference = interference.Fixed(interference.Report{Measured: true, Cores: cores, OtherCPUCores: 1})
	a, l := liveRunOnTinyWith(t, opts)
	if l.threads.Selected != autoThreads {
		t.Fatalf("a new Live run's threads show %q, want %q", l.threads.Selected, autoThreads)
	}
	l.maxTokens.SetText("4")
	test.Tap(l.runBtn)
	waitFor(t, "the run to finish", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	stats := cardsText(l.stats)
	if !strings.Contains(stats, strconv.Itoa(cores-1)+" (auto)") || !strings.Contains(stats, "other programs") {
		t.Errorf("stats after an automatic choice beside a busy program, want %d (auto) and why:\n%s", cores-1, stats)
	}
	if got := a.fyne.Preferences().IntWithFallback(prefLiveThreads, -1); got != 0 {
		t.Errorf("stored threads %d, want 0 (automatic)", got)
	}

	l.threads.SetSelected(strconv.Itoa(cores))
	test.Tap(l.runBtn)
	waitFor(t, "the second run", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if stats := cardsText(l.stats); !strings.Contains(stats, "your choice") || strings.Contains(stats, "(auto)") {
		t.Errorf("stats after choosing %d threads:\n%s", cores, stats)
	}
	if got := a.fyne.Preferences().Int(prefLiveThreads); got != cores {
		t.Errorf("stored threads %d, want the chosen %d", got, cores)
	}
	b := newLiveRun(newAppWith(a.fyne, testWorkerOptions(), newUIExec().do))
	b.buildUI()
	t.Cleanup(b.a.session.Close)
	if b.threads.Selected != strconv.Itoa(cores) {
		t.Errorf("a new window shows threads %q, want the remembered %d", b.threads.Selected, cores)
	}
}

// The thread count every run stored before Auto came (the old default, all cores) is not taken
// for a choice.
func TestLiveRunOldStoredThreadsAreNotAChoice(t *testing.T) {
	fa := newTestApp(t)
	fa.Preferences().SetInt("live.threads", runtime.NumCPU())
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	l.buildUI()
	if l.threads.Selected != autoThreads {
		t.Errorf("threads show %q after an old stored default, want %q", l.threads.Selected, autoThreads)
	}
}
