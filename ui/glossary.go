package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// The "?" buttons: plain-words explanations of the terms a screen uses. The text lives in
// lessons/glossary.go, which the lesson's key terms read too.

// liveRunTerms are the words on the Live run screen.
var liveRunTerms = []string{lessons.TermTokPerSec, lessons.TermPromptGen, lessons.TermTTFT, lessons.TermPercentiles,
	lessons.TermRSS, lessons.TermQuantNames, lessons.TermContext, lessons.TermTwin}

// compareTerms are the words on the Compare screen.
var compareTerms = []string{lessons.TermProjected, lessons.TermTokPerSec, lessons.TermTTFT, lessons.TermKVCache,
	lessons.TermRSS, lessons.TermQuant, lessons.TermQuantNames, lessons.TermBandwidth, lessons.TermRoofline, lessons.TermTwin}

// glossaryButton is a "?" button that explains the given glossary terms in a dialog.
func glossaryButton(a *App, ids ...string) *widget.Button {
	b := widget.NewButtonWithIcon("Glossary", theme.QuestionIcon(), func() { showGlossary(a, ids...) })
	b.Importance = widget.LowImportance
	return b
}

// showGlossary opens the explanation of terms (all of them when ids is empty).
func showGlossary(a *App, ids ...string) {
	sc := container.NewVScroll(wrappedMarkdown(lessons.GlossaryMarkdown(ids...)))
	size := a.win.Canvas().Size()
	sc.SetMinSize(fyne.NewSize(min(size.Width*0.8, 720), min(size.Height*0.7, 520)))
	dialog.ShowCustom("Words used here", "Close", sc, a.win)
}
