package ui

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// answerShot renders the Compare screen in a's window at size, presenter mode on or off,
// and writes what a person would see as a PNG.
func answerShot(t *testing.T, presenter bool, size fyne.Size, path string) (*App, *compareScreen) {
	t.Helper()
	a, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	showIn(a, s.view)
	if presenter {
		a.setPresenter(true)
	}
	a.win.Resize(size)
	waitFor(t, "the answer", 10*1e9, func() bool { return len(s.answer.items) > 0 })
	img := a.win.Canvas().Capture()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	_ = test.LaidOutObjects
	return a, s
}

func TestCompareAnswerShotDev(t *testing.T) {
	answerShot(t, true, fyne.NewSize(1024, 640), "/tmp/answer_presenter.png")
	answerShot(t, false, fyne.NewSize(1024, 640), "/tmp/answer_normal.png")
	answerShot(t, false, fyne.NewSize(1920, 1080), "/tmp/answer_1080.png")
}
