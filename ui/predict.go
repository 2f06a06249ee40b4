package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
)

// guessBox is "predict, then measure": an optional entry beside Run where the learner guesses
// the generation speed before a run, and the line that scores the guess after it, beside
// slmscope's own projection and the measurement.
type guessBox struct {
	entry   *widget.Entry
	outcome *widget.Label
	// atRun is the guess read when Run was pressed (0 = none).
	atRun float64
}

func newGuessBox() *guessBox {
	g := &guessBox{entry: widget.NewEntry(), outcome: widget.NewLabel("")}
	g.entry.SetPlaceHolder("optional: how many tok/s will it generate?")
	g.outcome.Wrapping = fyne.TextWrapWord
	g.outcome.Importance = widget.HighImportance
	g.outcome.Hide()
	return g
}

// takeAtRun reads the entry when Run is pressed; an entry that is not a speed is an error
// for the form, and the run does not start.
func (g *guessBox) takeAtRun() error {
	v, err := engine.ParseGuess(g.entry.Text)
	if err != nil {
		return err
	}
	g.atRun = v
	g.outcome.Hide()
	return nil
}

// say shows the line after a run: the guess's score, or slmscope's projection beside the
// measurement.
func (g *guessBox) say(line string) {
	g.outcome.SetText(line)
	g.outcome.Show()
}
