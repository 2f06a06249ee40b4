package ui

import (
	"fyne.io/fyne/v2"
)

// desktopShortcut is Ctrl (Cmd on macOS via Fyne's mapping) plus a key.
type desktopShortcut struct{ key fyne.KeyName }

func (s *desktopShortcut) Key() fyne.KeyName     { return s.key }
func (s *desktopShortcut) Mod() fyne.KeyModifier { return fyne.KeyModifierShortcutDefault }
func (s *desktopShortcut) ShortcutName() string  { return "slmscope-" + string(s.key) }

var _ fyne.KeyboardShortcut = (*desktopShortcut)(nil)
