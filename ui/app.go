// Package ui is slmscope's desktop interface, built with Fyne. It is the only package that
// imports fyne.io; every number it shows comes from engine, hwprobe or lessons.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
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
	// current is the title of the screen on show; shownHooks run when their screen is shown.
	current    string
	shownHooks map[string]func()
	// shortcuts names the window's shortcuts, for entries that pass them on.
	shortcuts map[string]bool
}

// screen describes one navigation entry. build is called once, the first time it is shown.
type screen struct {
	title string
	icon  fyne.ThemeIconName // a name, not a resource: themes are not available at init
	build func(a *App) fyne.CanvasObject
}

// screens lists the app's screens in navigation order; each lives in its own file.
var screens = []screen{
	{title: liveRunTitle, icon: theme.IconNameMediaPlay, build: newLiveRunScreen},
	{title: "Hardware", icon: theme.IconNameComputer, build: newHardwareScreen},
	{title: "Compare", icon: theme.IconNameGrid, build: newCompareScreen},
	{title: "Lesson", icon: theme.IconNameFile, build: buildLessonScreen}, {title: "Quiz", icon: theme.IconNameQuestion, build: buildQuizScreen}, {title: "Progress", icon: theme.IconNameList, build: buildProgressScreen},
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
	a.win.ShowAndRun()
	return 0
}

// newApp builds the main window; workerOpts says how to start llama.cpp workers (tests run
// their own binary as the worker).
func newApp(fa fyne.App, workerOpts engine.Options) *App {
	a := &App{fyne: fa, win: fa.NewWindow("slmscope"), session: &engine.Session{Options: workerOpts}}
	a.win.SetCloseIntercept(func() {
		a.session.Close()
		a.win.Close()
	})
	a.win.Resize(fyne.NewSize(1180, 760))
	a.buildUI()
	return a
}

func (a *App) buildUI() {
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
	a.nav.OnSelected = func(id widget.ListItemID) { a.show(id) }
	split := container.NewHSplit(a.nav, a.content)
	split.Offset = 0.16
	a.win.SetContent(split)
	if len(a.screens) > 0 {
		// Remembered by title: the list of screens may change between versions.
		if !a.showScreen(a.fyne.Preferences().String("ui.screen")) {
			a.nav.Select(0)
		}
	}
	a.addShortcuts()
}

// show switches the content area to screen id, building it on first use.
func (a *App) show(id int) {
	e := a.screens[id]
	if e.view == nil {
		e.view = e.build(a)
	}
	a.content.Objects = []fyne.CanvasObject{e.view}
	a.content.Refresh()
	a.current = e.title
	if hook := a.shownHooks[e.title]; hook != nil {
		hook()
	}
	a.fyne.Preferences().SetString("ui.screen", e.title)
}

// onShown runs f (on the UI goroutine) each time the screen titled title is shown again.
func (a *App) onShown(title string, f func()) {
	if a.shownHooks == nil {
		a.shownHooks = map[string]func(){}
	}
	a.shownHooks[title] = f
}

// showScreen selects a screen by title (used by links between screens); false if absent.
func (a *App) showScreen(title string) bool {
	for i, e := range a.screens {
		if e.title == title {
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
