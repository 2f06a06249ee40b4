package ui

import (
	"testing"
)

func TestAppRemembersScreenByKey(t *testing.T) {
	fa := newTestApp(t)
	// Versions before screen ids stored the title.
	fa.Preferences().SetString(prefScreen, "Compare")
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	if a.current != screenCompare {
		t.Fatalf("an old stored title opened screen %d, want Compare (%d)", a.current, screenCompare)
	}
	a.showScreen(screenQuiz)
	if got := fa.Preferences().String(prefScreen); got != "quiz" {
		t.Errorf("stored screen %q, want its key \"quiz\"", got)
	}
	b := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(b.session.Close)
	if b.current != screenQuiz {
		t.Errorf("the next start opened screen %d, want Quiz (%d)", b.current, screenQuiz)
	}
}

func TestOnShownRunsEachTimeItsScreenShows(t *testing.T) {
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	n := 0
	a.onShown(screenHardware, func() { n++ })
	a.showScreen(screenHardware)
	a.showScreen(screenLiveRun)
	a.showScreen(screenHardware)
	if n != 2 {
		t.Errorf("onShown ran %d times for two showings", n)
	}
	if a.showScreen(screenID(99)) {
		t.Error("showScreen found a screen that does not exist")
	}
}
