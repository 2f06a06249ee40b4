package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"slmscope/lessons"
)

// Golden markup of each screen's empty state at the 1024×640 of a classroom projector:
// what a person sees before anything was measured. A changed master is a changed screen:
// look at testdata/failed/*.xml, and copy it over the master only if the change is meant.

// goldenSize is the smallest window slmscope is laid out for.
var goldenSize = fyne.NewSize(1024, 640)

func assertGolden(t *testing.T, name string, o fyne.CanvasObject) {
	t.Helper()
	w := test.NewTempWindow(t, o)
	w.Resize(goldenSize)
	test.AssertRendersToMarkup(t, name, w.Canvas())
}

func TestGoldenCompareEmpty(t *testing.T) {
	_, s := compareFor(t, &fakeCompare{})
	assertGolden(t, "compare_empty.xml", s.view)
}

func TestGoldenHardware(t *testing.T) {
	r := sampleReport()
	r.ProbedAt = time.Date(2026, 11, 29, 10, 0, 0, 0, time.Local)
	f := &fakeHardware{report: r, bandwidth: r.Bandwidth}
	h := newTestHardware(t, f)
	h.now = func() time.Time { return r.ProbedAt }
	h.updateLive()
	h.status.SetText("Probed at 10:00:00 in 0.02 s. Every figure says where it came from; RAM updates live.")
	assertGolden(t, "hardware.xml", h.view)
}

// goldenDir is a folder with the same name in every run, so that paths on screen match.
func goldenDir(t *testing.T) string {
	dir := filepath.Join(os.TempDir(), "slmscope-golden")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestGoldenLessonNothingMeasured(t *testing.T) {
	a, _ := newLessonTestAppIn(t, goldenDir(t), lessons.Facts{}, "")
	assertGolden(t, "lesson_empty.xml", buildLessonScreen(a))
}

func TestGoldenProgressEmpty(t *testing.T) {
	a, _ := newLessonTestAppIn(t, goldenDir(t), lessons.Facts{}, "")
	assertGolden(t, "progress_empty.xml", buildProgressScreen(a))
}

func TestGoldenLiveRunEmpty(t *testing.T) {
	t.Setenv("SLMSCOPE_TWIN_DIR", "/nonexistent/slmscope-golden-twins")
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	l := newLiveRun(a)
	view := l.buildUI()
	waitChoices(t, l, 0)
	waitFor(t, "the cache note", 10*time.Second, func() bool { return l.cacheNote.Text != "" })
	assertGolden(t, "liverun_empty.xml", view)
}

// Compare in presenter mode at 1024×640: the answer first, the tab bar and the toolbar below.
func TestGoldenComparePresenter(t *testing.T) {
	a, s := compareFor(t, &fakeCompare{})
	showIn(a, s.view)
	a.setPresenter(true)
	a.win.Resize(goldenSize)
	test.AssertRendersToMarkup(t, "compare_presenter.xml", a.win.Canvas())
}
