package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// outputChunk is how long the last paragraph label may grow before streamed text starts a
// new one: appending re-lays-out only the last label, never the whole answer.
const outputChunk = 240

// streamText is the Live run's streamed answer: a column of word-wrapped labels in a scroll.
// Append adds to the last label and starts a new one once it is longer than outputChunk, at
// a line break (or at a space when no line break is near), so the cost of showing a token
// does not grow with the length of the answer. Call it on the UI goroutine.
type streamText struct {
	box    *fyne.Container
	scroll *container.Scroll
	last   *widget.Label
	all    strings.Builder
}

func newStreamText() *streamText {
	s := &streamText{box: container.NewVBox()}
	s.scroll = container.NewVScroll(s.box)
	s.Reset()
	return s
}

// Reset empties the output.
func (s *streamText) Reset() {
	s.all.Reset()
	s.last = s.newLabel("")
	s.box.Objects = []fyne.CanvasObject{s.last}
	s.box.Refresh()
}

func (s *streamText) newLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// Append adds text at the end and scrolls to it.
func (s *streamText) Append(text string) {
	if text == "" {
		return
	}
	s.all.WriteString(text)
	cur, rest := s.last.Text, text
	for len(cur)+len(rest) > outputChunk {
		cut := breakAt(rest, max(outputChunk-len(cur), 0))
		if cut < 0 {
			break
		}
		s.last.SetText(cur + rest[:cut])
		s.last = s.newLabel("")
		s.box.Add(s.last)
		cur, rest = "", rest[cut+1:]
	}
	s.last.SetText(cur + rest)
	s.scroll.ScrollToBottom()
}

// breakAt is where to end a paragraph label in text, from byte room on: a line break within
// the next outputChunk bytes, else the next space; -1 if there is neither.
func breakAt(text string, room int) int {
	if room >= len(text) {
		return -1
	}
	tail := text[room:]
	if i := strings.IndexByte(tail, '\n'); i >= 0 && i <= outputChunk {
		return room + i
	}
	if i := strings.IndexByte(tail, ' '); i >= 0 {
		return room + i
	}
	return -1
}

// Text is everything appended since the last Reset.
func (s *streamText) Text() string { return s.all.String() }

// Labels counts the paragraph labels (tests).
func (s *streamText) Labels() int { return len(s.box.Objects) }
