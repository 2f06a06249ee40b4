// Package ui is slmscope's desktop interface, built with Fyne. It is the only package that
// imports fyne.io; every number it shows comes from engine, hwprobe or lessons.
package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/lessons"
)

// AppID is the Fyne application id (also in FyneApp.toml); it names the preferences store.
const AppID = "dev.slmscope.app"

// App holds the window and what screens share.
type App struct {
	fyne    fyne.App
	win     fyne.Window
	screens []*screenEntry
	content *fyne.Container
	nav     *widget.List
	// session keeps one llama.cpp worker warm for the Live run screen.
	session *engine.Session
	// machine is the one picture of this machine (probe, bandwidth, calibration) that every
	// screen reads and observes (machine_job.go).
	machine *engine.MachineHub
	// uiDo replaces fyne.Do (tests; see app_job.go); uiLater, when set, replaces it in doLater.
	uiDo    func(func())
	uiLater func(func())
	// lessons is what the Lesson, Quiz and Progress screens share (lessonstate.go).
	lessons *lessonState
	// current is the screen on show and shown its entry (its view may still be being
	// re-themed, retheme.go); shownHooks run when their screen is shown.
	current    screenID
	shown      *screenEntry
	shownHooks map[screenID]func()
	// shortcuts names the window's shortcuts, for entries that pass them on.
	shortcuts map[string]bool
	// openInLive chooses a model file on the Live run screen (set once that screen is built).
	openInLive func(path string)
	// look is presenter mode and the text size (presenter.go).
	look *look
	// moeFacts are the lesson's MoE projections for machine revision moeFactsRev
	// (lessonfacts.go); the lesson asks for its facts from more than one goroutine.
	moeMu       sync.Mutex
	moeFacts    []lessons.MoEPair
	moeFactsRev int
}

// screenID names a screen. Links between screens, shortcuts and onShown use it; titles are
// for people only.
type screenID int

// The screens, in navigation order.
const (
	screenLiveRun screenID = iota
	screenHardware
	screenCompare
	screenLesson
	screenQuiz
	screenProgress
	screenClass
)

// prefScreen remembers the screen on show by its key, so the next start opens it again.
const prefScreen = "ui.screen"

// screen describes one navigation entry. build is called once, the first time it is shown.
type screen struct {
	id    screenID
	key   string // stable name, stored in preferences
	title string
	icon  fyne.ThemeIconName // a name, not a resource: themes are not available at init
	build func(a *App) fyne.CanvasObject
}

// screens lists the app's screens in navigation order; each lives in its own file.
var screens = []screen{
	{id: screenLiveRun, key: "live-run", title: "Live run", icon: theme.IconNameMediaPlay, build: newLiveRunScreen},
	{id: screenHardware, key: "hardware", title: "Hardware", icon: theme.IconNameComputer, build: newHardwareScreen},
	{id: screenCompare, key: "compare", title: "Compare", icon: theme.IconNameGrid, build: newCompareScreen},
	{id: screenLesson, key: "lesson", title: "Lesson", icon: theme.IconNameFile, build: buildLessonScreen},
	{id: screenQuiz, key: "quiz", title: "Quiz", icon: theme.IconNameQuestion, build: buildQuizScreen},
	{id: screenProgress, key: "progress", title: "Progress", icon: theme.IconNameList, build: buildProgressScreen},
	{id: screenClass, key: "class", title: "Class", icon: theme.IconNameAccount, build: buildClassScreen},
}

type screenEntry struct {
	screen
	view fyne.CanvasObject
}

// Run opens the main window and blocks until it is closed. It returns the exit code.
func Run() int {
	fa := app.NewWithID(AppID)
	fa.SetIcon(appIcon)
	a := newApp(fa, engine.Options{})
	// Probe the machine once, in the background, for every screen (machine_job.go).
	go func() { _, _ = a.machine.LoadOnce(context.Background(), engine.MachineOptions{}) }()
	startWatchdog(a) // logs UI stalls over 100 ms in debug builds or with SLMSCOPE_WATCHDOG (watchdog_log.go)
	a.win.ShowAndRun()
	return 0
}

// newApp builds the main window; workerOpts says how to start llama.cpp workers (tests run
// their own binary as the worker).
func newApp(fa fyne.App, workerOpts engine.Options) *App { return newAppWith(fa, workerOpts, nil) }

// newAppWith is newApp with the UI executor the job adapters use (nil = fyne.Do; tests pass
// their own, see app_job.go).
func newAppWith(fa fyne.App, workerOpts engine.Options, uiDo func(func())) *App {
	a := &App{fyne: fa, win: fa.NewWindow("slmscope"), session: &engine.Session{Options: workerOpts}, machine: &engine.MachineHub{}, uiDo: uiDo}
	a.win.SetCloseIntercept(func() {
		a.session.Close()
		a.win.Close()
	})
	a.win.Resize(fyne.NewSize(1024, 640)) // a classroom projector; the window may grow
	a.buildUI()
	return a
}

func (a *App) buildUI() {
	a.initLook() // theme and presenter keys first: screens chain the canvas's key handlers
	for _, s := range screens {
		a.screens = append(a.screens, &screenEntry{screen: s})
	}
	a.content = container.NewStack()
	a.nav = widget.NewList(
		func() int { return len(a.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.InfoIcon()), widget.NewLabel("screen name"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(theme.Icon(a.screens[id].icon))
			row.Objects[1].(*widget.Label).SetText(a.screens[id].title)
		},
	)
	a.nav.OnSelected = func(i widget.ListItemID) { a.show(i) }
	split := container.NewHSplit(a.sidebar(a.nav), a.content)
	split.Offset = 0.16
	a.win.SetContent(split)
	if len(a.screens) > 0 {
		if id, ok := rememberedScreen(a.fyne.Preferences().String(prefScreen)); !ok || !a.showScreen(id) {
			a.nav.Select(0)
		}
	}
	a.addShortcuts()
}

// rememberedScreen reads the stored screen: its key, or its title as versions before
// screen ids stored it.
func rememberedScreen(stored string) (screenID, bool) {
	for _, s := range screens {
		if stored == s.key || stored == s.title {
			return s.id, true
		}
	}
	return 0, false
}

// show switches the content area to the i-th navigation entry, building it on first use.
func (a *App) show(i int) {
	e := a.screens[i]
	if e.view == nil {
		e.view = e.build(a)
	}
	a.current = e.id
	a.shown = e
	a.fyne.Preferences().SetString(prefScreen, e.key)
	l := a.lookState()
	if g, ok := l.seen[e.id]; ok && g != l.gen {
		// Last on show under another theme: Fyne re-themes only the objects in the window,
		// so this screen still has the old text sizes (retheme.go).
		l.rethemer.start(a, e.view, func() { a.attach(e, true) })
		return
	}
	l.rethemer.stop()
	a.attach(e, true)
}

// attach puts screen e in the content area, notes the theme it was shown under and, with
// hook, runs its onShown hook.
func (a *App) attach(e *screenEntry, hook bool) {
	a.content.Objects = []fyne.CanvasObject{e.view}
	relayout(a.content) // not Refresh, which would re-measure every text of the screen
	l := a.lookState()
	if l.seen == nil {
		l.seen = map[screenID]int{}
	}
	l.seen[e.id] = l.gen
	if f := a.shownHooks[e.id]; hook && f != nil {
		f()
	}
}

// onShown runs f (on the UI goroutine) each time screen id is shown again: the one signal
// that a screen is on show.
func (a *App) onShown(id screenID, f func()) {
	if a.shownHooks == nil {
		a.shownHooks = map[screenID]func(){}
	}
	a.shownHooks[id] = f
}

// showScreen selects screen id (links between screens use it); false if it is absent.
func (a *App) showScreen(id screenID) bool {
	for i, e := range a.screens {
		if e.id == id {
			a.nav.Select(i)
			return true
		}
	}
	return false
}

// addShortcuts binds Ctrl+1..9 to the screens and Ctrl+Q to quit.
func (a *App) addShortcuts() {
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i := range a.screens {
		if i >= len(keys) {
			break
		}
		id := i
		a.addShortcut(keys[i], func() { a.nav.Select(id) })
	}
	a.addShortcut(fyne.KeyQ, a.fyne.Quit)
}
