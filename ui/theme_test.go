package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// WCAG 2 contrast, computed from the theme's own colours: every text colour against every
// background it is drawn on must reach AA (4.5:1), in both variants, in and out of presenter
// mode.

// luminance is WCAG's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites c (which may be translucent) over an opaque background.
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}

// textPairs lists which text colours are drawn on which backgrounds.
var textPairs = func() [][2]fyne.ThemeColorName {
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
		theme.ColorNamePrimary, theme.ColorNameHyperlink, theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError}
	backs := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameButton,
		theme.ColorNameHeaderBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground}
	var out [][2]fyne.ThemeColorName
	for _, t := range texts {
		for _, b := range backs {
			out = append(out, [2]fyne.ThemeColorName{t, b})
		}
	}
	return append(out,
		[2]fyne.ThemeColorName{theme.ColorNameDisabled, theme.ColorNameDisabledButton}, // disabled buttons
		[2]fyne.ThemeColorName{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		[2]fyne.ThemeColorName{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		[2]fyne.ThemeColorName{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
		[2]fyne.ThemeColorName{theme.ColorNameForegroundOnError, theme.ColorNameError},
		[2]fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameSelection}, // selected rows, picked quiz answers
		[2]fyne.ThemeColorName{theme.ColorNameForeground, colorNameCorrectBackground},
		[2]fyne.ThemeColorName{theme.ColorNameForeground, colorNameWrongBackground},
	)
}()

func TestThemeContrastAA(t *testing.T) {
	worst, worstName := math.Inf(1), ""
	for _, presenter := range []bool{false, true} {
		th := newAppTheme(1, presenter)
		for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
			bg := th.Color(theme.ColorNameBackground, v)
			for _, p := range textPairs {
				back := over(th.Color(p[1], v), bg)
				for _, hover := range []bool{false, true} {
					b := back
					if hover { // the hover tint drawn over a row or button
						b = over(th.Color(theme.ColorNameHover, v), back)
					}
					name := fmt.Sprintf("presenter=%v/variant=%d/%s on %s hover=%v", presenter, v, p[0], p[1], hover)
					fg := over(th.Color(p[0], v), b)
					r := contrast(fg, b)
					if r < 4.5 {
						t.Errorf("%s: %.2f:1, want ≥ 4.5:1", name, r)
					}
					if r < worst {
						worst, worstName = r, name
					}
				}
			}
		}
	}
	t.Logf("lowest contrast %.2f:1 (%s) over %d pairs × 2 variants × 2 modes", worst, worstName, len(textPairs))
}

// The stock theme's low-importance grey is the problem this theme fixes: keep the measured
// starting point honest.
func TestStockThemeLowImportanceFails(t *testing.T) {
	stock := theme.DefaultTheme()
	r := contrast(stock.Color(theme.ColorNameDisabled, theme.VariantDark), stock.Color(theme.ColorNameBackground, theme.VariantDark))
	if r > 2 {
		t.Errorf("Fyne's dark disabled grey is %.2f:1 on its background; this test expected ~1.5", r)
	}
}

// Low-importance text still looks secondary: dimmer than the foreground.
func TestThemeLowImportanceIsSecondary(t *testing.T) {
	th := newAppTheme(1, false)
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		bg := th.Color(theme.ColorNameBackground, v)
		fg, low := contrast(th.Color(theme.ColorNameForeground, v), bg), contrast(th.Color(theme.ColorNameDisabled, v), bg)
		if low >= fg-2 {
			t.Errorf("variant %d: low-importance %.1f:1 is not clearly below the foreground's %.1f:1", v, low, fg)
		}
	}
}

func TestThemeTextScale(t *testing.T) {
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	if got := newAppTheme(1.5, false).Size(theme.SizeNameText); got != base*1.5 {
		t.Errorf("text at 150%%: %v, want %v", got, base*1.5)
	}
	if got := newAppTheme(1, true).Size(theme.SizeNameText); got < base*1.6 {
		t.Errorf("presenter text %v, want ≥ 1.6 × %v", got, base)
	}
	if got := newAppTheme(1, true).Size(theme.SizeNamePadding); got != theme.DefaultTheme().Size(theme.SizeNamePadding) {
		t.Errorf("padding grew to %v: only text should", got)
	}
}
