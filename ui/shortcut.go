package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Fyne's desktop driver turns Ctrl+key (Cmd+key on macOS) into a desktop.CustomShortcut and
// looks the handler up by that shortcut's name ("CustomDesktop:Control+1"), so the app's
// shortcuts are registered as exactly that type.

// addShortcut binds Ctrl+key (Cmd+key on macOS) in the main window to f.
func (a *App) addShortcut(key fyne.KeyName, f func()) {
	s := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
	a.win.Canvas().AddShortcut(s, func(fyne.Shortcut) { f() })
	if a.shortcuts == nil {
		a.shortcuts = map[string]bool{}
	}
	a.shortcuts[s.ShortcutName()] = true
}

// shortcutEntry is an Entry that lets the window's shortcuts through. The driver hands a
// shortcut to the focused widget alone, and a plain Entry drops those it does not know, so
// Ctrl+Enter typed in the Live run prompt would never run.
type shortcutEntry struct {
	widget.Entry
	a *App
}

// newMultiLineShortcutEntry is widget.NewMultiLineEntry that passes the app's shortcuts on.
func newMultiLineShortcutEntry(a *App) *shortcutEntry {
	e := &shortcutEntry{a: a}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut runs the window's handler for the app's own shortcuts, the Entry's for the rest.
func (e *shortcutEntry) TypedShortcut(s fyne.Shortcut) {
	if e.a.shortcuts[s.ShortcutName()] {
		e.a.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey hands F11 (presenter mode) to the window: the driver gives plain keys to the
// focused widget alone.
func (e *shortcutEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyF11 {
		if h := e.a.win.Canvas().OnTypedKey(); h != nil {
			h(k)
			return
		}
	}
	e.Entry.TypedKey(k)
}
