package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// slmscope's theme: the runtime's DejaVu fonts (fonts.go), Fyne's default icons and spacing, with colours chosen so that every
// text colour meets WCAG AA (4.5:1) on every background it is drawn on, in the light and the
// dark variant (theme_test.go computes each pair), and with text that grows by the text-size
// setting and, in presenter mode, to classroom size (presenter.go).
//
// Fyne's stock dark theme draws low-importance labels (every "measured: …" line) in its
// disabled grey, rgb(57,57,58) on rgb(23,23,24): 1.5:1, unreadable on a projector. Here the
// disabled colour is a lighter grey that still reads as secondary.

// Custom colour names: the quiz's answered rows (white on lime green was 1.5:1).
const (
	colorNameCorrectBackground fyne.ThemeColorName = "slmscope.correctBackground"
	colorNameWrongBackground   fyne.ThemeColorName = "slmscope.wrongBackground"
)

// Text-size multipliers: the setting's choices, and the least presenter mode uses.
var textScales = []float32{1, 1.15, 1.3, 1.5, 1.75, 2}

// presenterScale is the least text multiplier of presenter mode (text ≥ 1.6× normal).
const presenterScale = 1.75

// appTheme is slmscope's fyne.Theme. Make one with newAppTheme; it never changes once set
// (Fyne compares themes by value to decide what to refresh).
type appTheme struct {
	base      fyne.Theme
	textScale float32 // multiplies every text size (and inline icons) by this
	presenter bool    // black or white background, strongest foreground
}

var _ fyne.Theme = (*appTheme)(nil)

// newAppTheme returns the theme for a text-size multiplier (1 = Fyne's sizes) and mode.
func newAppTheme(textScale float32, presenter bool) *appTheme {
	if textScale < 0.5 || textScale > 4 {
		textScale = 1
	}
	if presenter && textScale < presenterScale {
		textScale = presenterScale
	}
	return &appTheme{base: theme.DefaultTheme(), textScale: textScale, presenter: presenter}
}

// palette is one variant's colours; names it lacks come from Fyne's default theme.
type palette map[fyne.ThemeColorName]color.NRGBA

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// darkPalette: light text on near-black. Every text colour is ≥ 4.5:1 on the lightest
// background (buttons, menus).
var darkPalette = palette{
	theme.ColorNameBackground:          rgb(0x16, 0x16, 0x18),
	theme.ColorNameButton:              rgb(0x2a, 0x2b, 0x30),
	theme.ColorNameDisabledButton:      rgb(0x22, 0x22, 0x26),
	theme.ColorNameInputBackground:     rgb(0x20, 0x20, 0x23),
	theme.ColorNameHeaderBackground:    rgb(0x1c, 0x1c, 0x1e),
	theme.ColorNameMenuBackground:      rgb(0x2a, 0x2b, 0x30),
	theme.ColorNameOverlayBackground:   rgb(0x1e, 0x22, 0x28),
	theme.ColorNameForeground:          rgb(0xf3, 0xf3, 0xf3),
	theme.ColorNameDisabled:            rgb(0xa8, 0xa8, 0xb0),
	theme.ColorNamePlaceHolder:         rgb(0xb4, 0xb4, 0xb8),
	theme.ColorNamePrimary:             rgb(0x4d, 0xa3, 0xff),
	theme.ColorNameHyperlink:           rgb(0x6c, 0xb4, 0xff),
	theme.ColorNameSuccess:             rgb(0x5e, 0xe3, 0x5a),
	theme.ColorNameWarning:             rgb(0xff, 0xa7, 0x26),
	theme.ColorNameError:               rgb(0xff, 0x7b, 0x70),
	theme.ColorNameForegroundOnPrimary: rgb(0x10, 0x10, 0x12),
	theme.ColorNameForegroundOnSuccess: rgb(0x10, 0x10, 0x12),
	theme.ColorNameForegroundOnWarning: rgb(0x10, 0x10, 0x12),
	theme.ColorNameForegroundOnError:   rgb(0x10, 0x10, 0x12),
	theme.ColorNameSelection:           rgb(0x2d, 0x4f, 0x7a),
	theme.ColorNameFocus:               {R: 0x4d, G: 0xa3, B: 0xff, A: 0x99},
	theme.ColorNameInputBorder:         rgb(0x5a, 0x5a, 0x60),
	theme.ColorNameSeparator:           rgb(0x3a, 0x3a, 0x40),
	colorNameCorrectBackground:         rgb(0x1f, 0x4d, 0x22),
	colorNameWrongBackground:           rgb(0x5c, 0x1f, 0x1f),
}

// lightPalette: dark text on white. Every text colour is ≥ 4.5:1 on the darkest background
// (buttons).
var lightPalette = palette{
	theme.ColorNameBackground:          rgb(0xff, 0xff, 0xff),
	theme.ColorNameButton:              rgb(0xee, 0xee, 0xf0),
	theme.ColorNameDisabledButton:      rgb(0xf2, 0xf2, 0xf4),
	theme.ColorNameInputBackground:     rgb(0xf3, 0xf3, 0xf5),
	theme.ColorNameHeaderBackground:    rgb(0xf7, 0xf7, 0xf8),
	theme.ColorNameMenuBackground:      rgb(0xf5, 0xf5, 0xf6),
	theme.ColorNameOverlayBackground:   rgb(0xff, 0xff, 0xff),
	theme.ColorNameForeground:          rgb(0x1d, 0x1d, 0x1f),
	theme.ColorNameDisabled:            rgb(0x5c, 0x5c, 0x63),
	theme.ColorNamePlaceHolder:         rgb(0x60, 0x60, 0x66),
	theme.ColorNamePrimary:             rgb(0x1a, 0x5f, 0xb4),
	theme.ColorNameHyperlink:           rgb(0x1a, 0x5f, 0xb4),
	theme.ColorNameSuccess:             rgb(0x19, 0x69, 0x2a),
	theme.ColorNameWarning:             rgb(0x9a, 0x48, 0x00),
	theme.ColorNameError:               rgb(0xb3, 0x26, 0x1e),
	theme.ColorNameForegroundOnPrimary: rgb(0xff, 0xff, 0xff),
	theme.ColorNameForegroundOnSuccess: rgb(0xff, 0xff, 0xff),
	theme.ColorNameForegroundOnWarning: rgb(0xff, 0xff, 0xff),
	theme.ColorNameForegroundOnError:   rgb(0xff, 0xff, 0xff),
	theme.ColorNameSelection:           rgb(0xc9, 0xdc, 0xf5),
	theme.ColorNameFocus:               {R: 0x1a, G: 0x5f, B: 0xb4, A: 0x99},
	theme.ColorNameInputBorder:         rgb(0x8a, 0x8a, 0x90),
	theme.ColorNameSeparator:           rgb(0xd8, 0xd8, 0xdc),
	colorNameCorrectBackground:         rgb(0xd3, 0xf0, 0xd5),
	colorNameWrongBackground:           rgb(0xf8, 0xd7, 0xd5),
}

// presenterOverrides push the contrast further for a projector: pure black or white behind,
// pure white or black text.
var presenterOverrides = map[fyne.ThemeVariant]palette{
	theme.VariantDark: {
		theme.ColorNameBackground:       rgb(0, 0, 0),
		theme.ColorNameForeground:       rgb(0xff, 0xff, 0xff),
		theme.ColorNameDisabled:         rgb(0xc0, 0xc0, 0xc6),
		theme.ColorNameHeaderBackground: rgb(0x10, 0x10, 0x12),
		theme.ColorNameInputBackground:  rgb(0x16, 0x16, 0x18),
	},
	theme.VariantLight: {
		theme.ColorNameForeground: rgb(0, 0, 0),
		theme.ColorNameDisabled:   rgb(0x45, 0x45, 0x4a),
	},
}

// colorOf returns colour n of variant v (presenter overrides applied), if the theme sets it.
func (t *appTheme) colorOf(n fyne.ThemeColorName, v fyne.ThemeVariant) (color.NRGBA, bool) {
	if t.presenter {
		if c, ok := presenterOverrides[v][n]; ok {
			return c, true
		}
	}
	p := darkPalette
	if v == theme.VariantLight {
		p = lightPalette
	}
	c, ok := p[n]
	return c, ok
}

// Color implements fyne.Theme.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := t.colorOf(n, v); ok {
		return c
	}
	return t.base.Color(n, v)
}

// Font implements fyne.Theme: the runtime's fonts (fonts.go), else Fyne's.
func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource {
	if f, err := loadAppFonts(); err == nil {
		if r := f.forStyle(s); r != nil {
			return r
		}
	}
	return t.base.Font(s)
}

// Icon implements fyne.Theme.
func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size implements fyne.Theme: text sizes (and the icons set in text) grow by textScale.
func (t *appTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameHeadingText,
		theme.SizeNameSubHeadingText, theme.SizeNameInlineIcon:
		return s * t.textScale
	}
	return s
}
