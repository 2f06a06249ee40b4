package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/internal/units"
)

// liveRunFor builds the app with only the Live run screen's state reachable.
func liveRunFor(t *testing.T, files ...string) (*App, *liveRun) {
	t.Helper()
	fa := newTestApp(t)
	fa.Preferences().SetStringList(prefLiveFiles, files)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	l.buildUI()
	waitChoices(t, l, 0)
	return a, l
}

// liveRunOnTiny is a Live run screen with a tiny twin file written for the test, selected.
func liveRunOnTiny(t *testing.T) (*App, *liveRun) {
	t.Helper()
	a, l := liveRunFor(t, writeTinyTwin(t, t.TempDir()))
	selectChoice(t, l, "File: tiny.q8_0.gguf")
	return a, l
}

// liveRunOnTinyWith is a Live run screen whose workers start with opts, on a tiny twin file
// written for the test, selected.
func liveRunOnTinyWith(t *testing.T, opts engine.Options) (*App, *liveRun) {
	t.Helper()
	fa := newTestApp(t)
	fa.Preferences().SetStringList(prefLiveFiles, []string{writeTinyTwin(t, t.TempDir())})
	a := newAppWith(fa, opts, newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	l.buildUI()
	waitChoices(t, l, 0)
	selectChoice(t, l, "File: tiny.q8_0.gguf")
	return a, l
}

// waitChoices waits until the picker shows a model list newer than the shown-th.
func waitChoices(t *testing.T, l *liveRun, shown int) {
	t.Helper()
	waitFor(t, "the model list", 30*time.Second, func() bool { return l.choicesShown > shown })
}

// waitFor polls cond (on the test goroutine, which is Fyne's in the test driver).
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		drainUI() // background jobs hand their results to the test goroutine here
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s", timeout, what)
}

func selectChoice(t *testing.T, l *liveRun, prefix string) {
	t.Helper()
	for i, c := range l.choices {
		if strings.HasPrefix(c.label, prefix) {
			l.modelSel.SetSelectedIndex(i)
			return
		}
	}
	t.Fatalf("no model choice starting with %q in %v", prefix, l.modelSel.Options)
}

func TestLiveRunListsSmolLM2TwinFirst(t *testing.T) {
	_, l := liveRunFor(t)
	if len(l.choices) == 0 || l.choices[0].label != "SmolLM2-135M (twin, Q8_0)" {
		t.Fatalf("first choice %v, want SmolLM2-135M (twin, Q8_0)", l.modelSel.Options)
	}
	shown := l.choicesShown
	l.quantSel.SetSelected("Q4_0")
	waitChoices(t, l, shown)
	if l.modelSel.Selected != "SmolLM2-135M (twin, Q4_0)" {
		t.Errorf("after switching quant the picker shows %q", l.modelSel.Selected)
	}
}

// TestLiveRunOffersEveryTwinQuant: the quantization picker offers what a twin can be written
// in, the published K-quants and gpt-oss's MXFP4_MOE among them; MXFP4_MOE lists the
// mixture-of-experts twins only (llama.cpp's MXFP4_MOE quantizes experts).
func TestLiveRunOffersEveryTwinQuant(t *testing.T) {
	_, l := liveRunFor(t)
	for _, want := range []string{"F16", "Q8_0", "Q4_K_M", "Q4_0", "MXFP4_MOE"} {
		if !slices.Contains(l.quantSel.Options, want) {
			t.Errorf("quantizations %v lack %s", l.quantSel.Options, want)
		}
	}
	shown := l.choicesShown
	l.quantSel.SetSelected("MXFP4_MOE")
	waitChoices(t, l, shown)
	moe := 0
	for _, c := range l.choices {
		m, ok := catalog.ByID(c.ref.Model.ID)
		if c.ref.Twin && (!ok || !m.IsMoE()) {
			t.Errorf("MXFP4_MOE lists the dense twin %q", c.label)
		}
		if strings.HasPrefix(c.label, "gpt-oss-20b (twin, MXFP4_MOE)") {
			moe++
		}
	}
	if moe != 1 {
		t.Errorf("MXFP4_MOE does not list gpt-oss-20b: %v", l.modelSel.Options)
	}
}

func TestLiveRunStreamsAndShowsStats(t *testing.T) {
	a, l := liveRunOnTiny(t)
	l.maxTokens.SetText("40")
	test.Tap(l.runBtn)
	if !l.runBtn.Disabled() || l.stopBtn.Disabled() {
		t.Error("while running, Run should be disabled and Stop enabled")
	}
	waitFor(t, "the run to finish", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !l.errCard.Hidden {
		t.Fatalf("error shown: %s", l.errBox.Text)
	}
	if l.out.Text() == "" {
		t.Error("no streamed text")
	}
	if !strings.HasSuffix(l.tps.Text, "tok/s") {
		t.Errorf("live speed %q", l.tps.Text)
	}
	if l.twinTag.Hidden {
		t.Error("a twin file's output is not labelled \"" + units.TwinDisclaimer + "\"")
	}
	if !strings.HasPrefix(l.stage.Text, "Done: 40 tokens") {
		t.Errorf("stage %q", l.stage.Text)
	}
	stats := cardsText(l.stats)
	for _, want := range []string{"Time to first token", "Generation", "llama.cpp counter", "Peak memory", "Per-token latency", "Steadiness", "median token's rate", units.TwinDisclaimer} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats card lacks %q:\n%s", want, stats)
		}
	}
	if c := l.latency.Chart(); c.PointCount() != 39 || len(c.Limits) != 2 {
		t.Errorf("latency chart: %d points (want 39 gaps between 40 tokens), %d p50/p95 lines", c.PointCount(), len(c.Limits))
	}
	if got := a.fyne.Preferences().Float(prefLastGenTPS); got <= 0 {
		t.Errorf("last generation speed not remembered for the lesson: %v", got)
	}
	// A second run reuses the warm worker and the loaded model.
	test.Tap(l.runBtn)
	waitFor(t, "the second run", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if stats := cardsText(l.stats); !strings.Contains(stats, "already loaded") {
		t.Errorf("second run did not reuse the loaded model:\n%s", stats)
	}
}

func TestLiveRunStop(t *testing.T) {
	_, l := liveRunOnTiny(t)
	l.maxTokens.SetText("8000")
	test.Tap(l.runBtn)
	waitFor(t, "tokens", 60*time.Second, func() bool { return l.out.Text() != "" })
	test.Tap(l.stopBtn)
	waitFor(t, "the stop", 30*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !strings.HasPrefix(l.stage.Text, "Stopped after") {
		t.Errorf("stage %q", l.stage.Text)
	}
}

func TestLiveRunBadFileShowsErrorAndKeepsRunning(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "notes.gguf")
	if err := os.WriteFile(bad, []byte("these are my notes, not a model\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, l := liveRunFor(t, bad)
	selectChoice(t, l, "File: notes.gguf")
	test.Tap(l.runBtn)
	waitFor(t, "the error", 30*time.Second, func() bool { return !l.runBtn.Disabled() })
	if l.errCard.Hidden || !strings.Contains(l.errBox.Text, "text file") {
		t.Fatalf("error card hidden=%v text %q", l.errCard.Hidden, l.errBox.Text)
	}
	// Bad form input is refused in words, too.
	selectChoice(t, l, "SmolLM2-135M")
	l.maxTokens.SetText("lots")
	test.Tap(l.runBtn)
	if !strings.Contains(l.errBox.Text, "max tokens must be a whole number") {
		t.Errorf("error %q", l.errBox.Text)
	}
}

func TestLiveRunClearTwinCache(t *testing.T) {
	c, err := engine.DefaultTwinCache() // SLMSCOPE_TWIN_DIR points into a temp folder (TestMain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Path(context.Background(), catalog.Tiny, engine.Q8_0, nil); err != nil {
		t.Fatal(err)
	}
	a, l := liveRunFor(t)
	waitFor(t, "the cache note", 10*time.Second, func() bool { return strings.Contains(l.cacheNote.Text, c.Dir) })
	if strings.HasPrefix(l.cacheNote.Text, "Twin cache: 0 B") {
		t.Fatalf("cache note %q after writing a twin", l.cacheNote.Text)
	}
	l.onClearTwins()
	yes := findButton(a.win.Canvas().Overlays().Top(), "Yes")
	if yes == nil {
		t.Fatal("no confirmation with a Yes button")
	}
	test.Tap(yes)
	waitFor(t, "the cache to empty", 10*time.Second, func() bool {
		used, _ := c.Used()
		return used == 0 && strings.HasPrefix(l.cacheNote.Text, "Twin cache: 0 B")
	})
}

// A twin written elsewhere (Compare's calibration, bench) shows in the cache note when Live
// run is shown again, not only after a run of its own.
func TestLiveRunCacheNoteFollowsTwinsWrittenElsewhere(t *testing.T) {
	c, err := engine.DefaultTwinCache() // SLMSCOPE_TWIN_DIR points into a temp folder (TestMain)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	a, l := liveRunFor(t)
	waitFor(t, "the empty cache note", 10*time.Second, func() bool { return strings.HasPrefix(l.cacheNote.Text, "Twin cache: 0 B") })
	a.showScreen(screenHardware)
	if _, err := c.Path(context.Background(), catalog.Tiny, engine.Q8_0, nil); err != nil {
		t.Fatal(err)
	}
	a.showScreen(screenLiveRun)
	waitFor(t, "the cache note to count the new twin", 10*time.Second, func() bool {
		return strings.Contains(l.cacheNote.Text, c.Dir) && !strings.HasPrefix(l.cacheNote.Text, "Twin cache: 0 B")
	})
}

// findButton returns the first button under o whose text is text.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

// killedLine is the one line a killed worker leaves on Live run.
var killedLine = regexp.MustCompile(`^The model process was killed \(SIGKILL\) after \d+ tokens?; the app is fine — press Run to start again\.$`)

// A worker killed mid-run (out of memory, a llama.cpp abort) becomes one clear line in the
// window, with llama.cpp's log behind "Details"; the "Last run" card keeps the last completed
// run; the app goes on and the next Run starts a fresh worker.
func TestLiveRunSurvivesAKilledWorker(t *testing.T) {
	if _, err := exec.LookPath("pkill"); err != nil {
		t.Skip("pkill not found")
	}
	_, l := liveRunOnTiny(t)
	l.maxTokens.SetText("6")
	test.Tap(l.runBtn)
	waitFor(t, "the first run", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	before := cardsText(l.stats)
	if !strings.Contains(before, "6 tokens") {
		t.Fatalf("first run's stats:\n%s", before)
	}
	l.maxTokens.SetText("8000")
	test.Tap(l.runBtn)
	waitFor(t, "tokens", 60*time.Second, func() bool { return l.out.Text() != "" })
	// Kill this test binary's worker children (the warm worker serving the run).
	_ = exec.Command("pkill", "-KILL", "-P", strconv.Itoa(os.Getpid())).Run()
	waitFor(t, "the run to end", 30*time.Second, func() bool { return !l.runBtn.Disabled() })
	line := l.errBox.Text
	// How many tokens came before the kill depends on the machine's speed: one on a busy one.
	if l.errCard.Hidden || !killedLine.MatchString(line) {
		t.Fatalf("error card hidden=%v line %q", l.errCard.Hidden, line)
	}
	if l.errMore.Hidden || !strings.Contains(l.errLog.Text, "was killed by SIGKILL") || len(l.errMore.Items) != 1 || l.errMore.Items[0].Title != "Details" {
		t.Errorf("details hidden=%v text %q", l.errMore.Hidden, l.errLog.Text)
	}
	if l.errMore.Items[0].Open {
		t.Error("details should start folded")
	}
	if after := cardsText(l.stats); after != before {
		t.Errorf("the killed run replaced the last completed run's card:\n%s\nwas:\n%s", after, before)
	}
	if !strings.HasPrefix(l.stage.Text, "The run did not finish: ") {
		t.Errorf("stage %q", l.stage.Text)
	}
	l.maxTokens.SetText("5")
	test.Tap(l.runBtn)
	waitFor(t, "the next run", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !l.errCard.Hidden || !strings.HasPrefix(l.stage.Text, "Done: 5 tokens") {
		t.Fatalf("after the kill: stage %q, error %q", l.stage.Text, l.errBox.Text)
	}
	if stats := cardsText(l.stats); !strings.Contains(stats, "5 tokens") {
		t.Errorf("stats after the next run:\n%s", stats)
	}
}
