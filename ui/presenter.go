package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/internal/units"
)

// Presenter mode and the text-size setting: what makes slmscope readable from the back of a
// classroom. Presenter mode (F11, Ctrl+Shift+P, or the sidebar's button) goes full screen,
// switches to the large-type, high-contrast theme, hides the navigation list and lets each
// screen collapse its secondary panes (onPresenter). The text size is a preference that
// applies outside presenter mode too.

// prefTextScale remembers the text-size multiplier (1 = Fyne's default sizes).
const prefTextScale = "ui.text_scale"

// look is the window's presentation state.
type look struct {
	presenter bool
	scale     float32
	hooks     []func(on bool)
	normal    fyne.CanvasObject // the window's content outside presenter mode (sidebar | screen)
	button    *widget.Button    // the sidebar's presenter toggle
	sizeSel   *widget.Select
	// gen counts theme changes; seen is the gen each screen was last on show under;
	// rethemer brings a screen to the current theme in turns (retheme.go).
	gen      int
	seen     map[screenID]int
	rethemer rethemer
	// fontsWarm is closed when the font warm-up of the last theme change is done (fontwarm.go).
	fontsWarm    <-chan struct{}
	fontsPolling bool // afterFonts is handing a poll to doLater
	// guards are the long pages and tables (turns.go): a theme change empties them first and
	// fills them again in later turns, instead of re-measuring all their text at once.
	guards map[themeGuard]bool
}

// lookState returns the app's presentation state, making it on first use (tests build bare Apps).
func (a *App) lookState() *look {
	if a.look == nil {
		a.look = &look{scale: 1}
	}
	return a.look
}

// applyTheme installs slmscope's theme for the current text size and mode.
func (a *App) applyTheme() {
	l := a.lookState()
	l.gen++
	a.setThemeInTurns(newAppTheme(l.scale, l.presenter))
}

// setThemeInTurns installs t. Fyne re-themes every object in the window at once; a long
// lesson page at presenter sizes took 0.75 s, a Live run screen 0.2 s. The screen on show is
// taken out of the window first and re-themed in turns (retheme.go), and the containers
// filled in turns are emptied first and filled again in turns, each object re-themed as it
// comes back.
func (a *App) setThemeInTurns(t fyne.Theme) {
	l := a.lookState()
	for g := range l.guards {
		g.detach()
	}
	// The screen on show, or the one still being re-themed to show.
	view := l.rethemer.stop()
	if view == nil && a.content != nil && len(a.content.Objects) == 1 {
		view = a.content.Objects[0]
	}
	if view != nil {
		a.content.Objects = nil
	}
	a.waitFonts()
	a.fyne.Settings().SetTheme(t)
	a.warmFonts()
	a.afterFonts(func() {
		for g := range l.guards {
			g.refill(a)
		}
	})
	if view != nil {
		l.rethemer.start(a, view, func() { a.putBack(view) })
	}
}

// putBack shows view again after a theme change, noting the theme for its screen.
func (a *App) putBack(view fyne.CanvasObject) {
	if e := a.shown; e != nil && e.view == view {
		a.attach(e, false)
		return
	}
	a.content.Objects = []fyne.CanvasObject{view}
	relayout(a.content)
}

// initLook reads the text-size preference, installs the theme and binds the presenter keys.
// It runs once, while the window is built.
func (a *App) initLook() {
	l := a.lookState()
	l.scale = float32(a.fyne.Preferences().FloatWithFallback(prefTextScale, 1))
	a.applyTheme()
	// Ctrl+Shift+P (Cmd+Shift+P): the driver reports it as a desktop.CustomShortcut.
	a.addShortcutMod(fyne.KeyP, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift, a.togglePresenter)
	// F11 has no modifier, so the driver hands it to the focused widget's TypedKey, or else to
	// the canvas's typed-key handler: bind it there (shortcutEntry passes it on too).
	c := a.win.Canvas()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyF11 {
			a.togglePresenter()
			return
		}
		if prev != nil {
			prev(e)
		}
	})
}

// addShortcutMod binds key with the given modifiers (as the desktop driver reports them).
func (a *App) addShortcutMod(key fyne.KeyName, mod fyne.KeyModifier, f func()) {
	s := &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	a.win.Canvas().AddShortcut(s, func(fyne.Shortcut) { f() })
	if a.shortcuts == nil {
		a.shortcuts = map[string]bool{}
	}
	a.shortcuts[s.ShortcutName()] = true
}

// onPresenter registers f to run (on the UI goroutine) each time presenter mode turns on or
// off, and once now if it is on. Screens use it to collapse their secondary panes.
func (a *App) onPresenter(f func(on bool)) {
	l := a.lookState()
	l.hooks = append(l.hooks, f)
	if l.presenter {
		f(true)
	}
}

// presenting reports whether presenter mode is on.
func (a *App) presenting() bool { return a.lookState().presenter }

// togglePresenter switches presenter mode.
func (a *App) togglePresenter() { a.setPresenter(!a.presenting()) }

// setPresenter turns presenter mode on or off: full screen, large high-contrast type, the
// navigation list hidden (Ctrl+1…6 still switch screens) and each screen's secondary panes.
// Everything that measures text under the new theme waits for its fonts (fontwarm.go): the
// window then shows an empty frame for a few frames instead of freezing for one.
func (a *App) setPresenter(on bool) {
	l := a.lookState()
	if l.presenter == on {
		return
	}
	l.presenter = on
	// The sidebar (or the exit button) leaves the window before the theme changes, so that
	// Fyne's re-theme of the window measures no text before the fonts are loaded.
	if on {
		l.normal = a.win.Content()
	}
	a.win.SetContent(container.NewBorder(nil, nil, nil, nil, a.content))
	a.applyTheme()
	a.win.SetFullScreen(on)
	a.afterFonts(func() {
		if l.presenter != on {
			return // toggled again meanwhile; that change does this
		}
		if on {
			exit := widget.NewButtonWithIcon("Exit presenter mode (F11)", theme.ViewRestoreIcon(), func() { a.setPresenter(false) })
			a.win.SetContent(container.NewBorder(container.NewHBox(exit), nil, nil, nil, a.content))
		} else if l.normal != nil {
			a.win.SetContent(l.normal)
			if sp, ok := l.normal.(*container.Split); ok {
				sp.Trailing = a.content // the content was lent to the presenter layout
				sp.Refresh()
			}
		}
		if l.button != nil {
			l.button.SetText(presenterButtonText(on))
		}
		for _, f := range l.hooks {
			f(on)
		}
	})
}

func presenterButtonText(on bool) string {
	if on {
		return "Exit presenter"
	}
	return "Presenter mode"
}

// setTextScale changes and remembers the text-size multiplier.
func (a *App) setTextScale(s float32) {
	l := a.lookState()
	if s == l.scale {
		return
	}
	l.scale = s
	a.fyne.Preferences().SetFloat(prefTextScale, float64(s))
	a.applyTheme()
}

// sidebar is the navigation list with the presenter toggle and the text-size setting below.
func (a *App) sidebar(nav fyne.CanvasObject) fyne.CanvasObject {
	l := a.lookState()
	l.button = widget.NewButtonWithIcon(presenterButtonText(false), theme.ViewFullScreenIcon(), a.togglePresenter)
	var opts []string
	for _, s := range textScales {
		opts = append(opts, scaleText(s))
	}
	l.sizeSel = widget.NewSelect(opts, func(v string) {
		if s, ok := parseScaleText(v); ok {
			a.setTextScale(s)
		}
	})
	l.sizeSel.SetSelected(scaleText(l.scale))
	size := container.NewBorder(nil, nil, widget.NewLabel("Text"), nil, l.sizeSel)
	return container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), size, l.button), nil, nil, nav)
}

// scaleText names a multiplier as the text-size choice shows it ("150.0 %").
func scaleText(s float32) string { return units.Percent(float64(s)) }

// parseScaleText reads a choice back ("150.0 %" → 1.5).
func parseScaleText(v string) (float32, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%")), 32)
	if err != nil || n < 50 || n > 400 {
		return 0, false
	}
	return float32(n / 100), true
}
