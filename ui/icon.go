package ui

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// appIcon is the window and application icon (also named in FyneApp.toml).
var appIcon = fyne.NewStaticResource("icon.png", iconPNG)
