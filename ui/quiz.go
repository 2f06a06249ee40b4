package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// quizScreen runs a lesson's "Check yourself" quiz one question at a time: number keys pick
// answers, Enter submits and then moves on; feedback and the explanation appear at once, and
// the end shows the score with "Retry the ones I missed".
type quizScreen struct {
	a  *App
	st *lessonState

	root     fyne.CanvasObject
	top      *fyne.Container
	picker   *widget.Select
	ids      []string
	title    *widget.Label
	notes    *widget.Label // skipped live questions, save problems
	bar      *widget.ProgressBar
	counter  *widget.Label
	prompt   *widget.Label
	basis    *widget.Label
	choices  *fyne.Container
	rows     []*choiceRow
	entry    *widget.Entry
	unit     *widget.Label
	numeric  *fyne.Container
	submit   *widget.Button
	next     *widget.Button
	verdict  *widget.Label
	explain  *widget.Label
	question *fyne.Container // everything for the current question
	result   *fyne.Container // the end-of-quiz summary
	score    *widget.Label
	missed   *widget.Label
	retry    *widget.Button

	lessonID string
	session  *lessons.Session
	idx      int
	picked   map[int]bool // display positions chosen for the current question
}

func buildQuizScreen(a *App) fyne.CanvasObject { return newQuizScreen(a).buildUI() }

func newQuizScreen(a *App) *quizScreen {
	s := &quizScreen{a: a, st: a.lessonState()}
	s.st.startQuiz = s.open
	s.st.onCatalog = append(s.st.onCatalog, s.onCatalogChanged)
	return s
}

func (s *quizScreen) buildUI() fyne.CanvasObject {
	s.picker = widget.NewSelect(nil, func(string) {
		if i := s.picker.SelectedIndex(); i >= 0 && i < len(s.ids) && s.ids[i] != s.lessonID {
			s.start(s.ids[i])
		}
	})
	restart := widget.NewButtonWithIcon("Start again", theme.MediaReplayIcon(), func() { s.start(s.lessonID) })
	s.title = widget.NewLabel("")
	s.title.TextStyle.Bold = true
	s.notes = widget.NewLabel("")
	s.notes.Wrapping = fyne.TextWrapWord
	s.notes.Importance = widget.WarningImportance
	s.bar = widget.NewProgressBar()
	s.bar.TextFormatter = func() string { return "" }
	s.counter = widget.NewLabel("")
	s.prompt = widget.NewLabel("")
	s.prompt.Wrapping = fyne.TextWrapWord
	s.prompt.TextStyle.Bold = true
	s.basis = widget.NewLabel("")
	s.basis.Wrapping = fyne.TextWrapWord
	s.basis.Importance = widget.LowImportance
	s.choices = container.NewVBox()
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder("type a number")
	s.entry.OnSubmitted = func(string) { s.onEnter() }
	s.unit = widget.NewLabel("")
	s.numeric = container.NewBorder(nil, nil, nil, s.unit, s.entry)
	s.submit = widget.NewButtonWithIcon("Submit (Enter)", theme.ConfirmIcon(), s.onSubmit)
	s.submit.Importance = widget.HighImportance
	s.next = widget.NewButtonWithIcon("Next (Enter)", theme.NavigateNextIcon(), s.onNext)
	s.verdict = widget.NewLabel("")
	s.verdict.TextStyle.Bold = true
	s.verdict.Wrapping = fyne.TextWrapWord
	s.explain = widget.NewLabel("")
	s.explain.Wrapping = fyne.TextWrapWord
	keys := widget.NewLabel("Keys: 1–9 choose an answer · Enter submits, then goes on")
	keys.Importance = widget.LowImportance
	s.question = container.NewVBox(s.counter, s.prompt, s.basis, s.choices, s.numeric,
		container.NewHBox(s.submit, s.next), s.verdict, s.explain, keys)
	s.score = widget.NewLabel("")
	s.score.TextStyle.Bold = true
	s.score.Wrapping = fyne.TextWrapWord
	s.missed = widget.NewLabel("")
	s.missed.Wrapping = fyne.TextWrapWord
	s.retry = widget.NewButtonWithIcon("Retry the ones I missed", theme.MediaReplayIcon(), s.onRetry)
	s.retry.Importance = widget.HighImportance
	again := widget.NewButtonWithIcon("Take the whole quiz again", theme.MediaReplayIcon(), func() { s.start(s.lessonID) })
	progress := widget.NewButtonWithIcon("See progress", theme.ListIcon(), func() { s.a.showScreen(screenProgress) })
	s.result = container.NewVBox(s.score, s.missed, container.NewHBox(s.retry, again, progress))
	s.top = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Quiz"), restart, s.picker),
		s.title, s.bar, s.notes)
	s.root = container.NewBorder(s.top, nil, nil, nil, container.NewVScroll(container.NewPadded(container.NewVBox(s.question, s.result))))
	s.hookKeys()
	s.onCatalogChanged()
	if s.lessonID == "" {
		s.start(s.st.current)
	}
	return s.root
}

// hookKeys routes number keys and Enter, typed while nothing has focus, to the quiz when it is
// the screen on show; other keys, and keys on other screens, go to the previous handlers.
func (s *quizScreen) hookKeys() {
	c := s.a.win.Canvas()
	prevRune, prevKey := c.OnTypedRune(), c.OnTypedKey()
	c.SetOnTypedRune(func(r rune) {
		if s.visible() && r >= '1' && r <= '9' {
			s.choose(int(r - '1'))
			return
		}
		if prevRune != nil {
			prevRune(r)
		}
	})
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if s.visible() && (e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter) {
			s.onEnter()
			return
		}
		if prevKey != nil {
			prevKey(e)
		}
	})
}

// visible says whether the quiz is the screen in the content area.
func (s *quizScreen) visible() bool {
	c := s.a.content
	return c != nil && len(c.Objects) == 1 && c.Objects[0] == s.root
}

func (s *quizScreen) onCatalogChanged() {
	titles, ids := s.st.lessonTitles()
	var withQuiz, qids []string
	for i, id := range ids {
		if l := s.st.catalog.Lesson(id); l != nil && l.QuizSet != nil {
			withQuiz, qids = append(withQuiz, titles[i]), append(qids, id)
		}
	}
	s.ids = qids
	s.picker.Options = withQuiz
	s.picker.Refresh()
	s.selectPicker()
}

func (s *quizScreen) selectPicker() {
	for i, id := range s.ids {
		if id == s.lessonID && s.picker.SelectedIndex() != i {
			s.picker.SetSelectedIndex(i)
		}
	}
}

// open shows lesson id's quiz, keeping a session of that lesson that is still under way.
func (s *quizScreen) open(id string) {
	if id == s.lessonID && s.session != nil && !s.session.Done() {
		return
	}
	s.start(id)
}

// start begins the quiz of lesson id, computing live questions from this machine's facts now.
func (s *quizScreen) start(id string) {
	l := s.st.catalog.Lesson(id)
	if l == nil || l.QuizSet == nil {
		if len(s.ids) > 0 && id != s.ids[0] {
			s.start(s.ids[0])
			return
		}
		s.lessonID, s.session = id, nil
		s.title.SetText("This lesson has no quiz.")
		s.question.Hide()
		s.result.Hide()
		s.relayout()
		return
	}
	s.lessonID = id
	s.selectPicker()
	s.title.SetText(l.QuizSet.Title + ": " + l.Title)
	if l.QuizSet.Title == "" {
		s.title.SetText(l.Title)
	}
	s.begin(lessons.NewSession(l.QuizSet, s.st.facts(), nil))
}

func (s *quizScreen) begin(sess *lessons.Session) {
	s.session, s.idx = sess, 0
	var notes []string
	for _, sk := range sess.Skipped {
		notes = append(notes, fmt.Sprintf("A question about this machine was left out: %s.", sk.Reason))
	}
	if sess.Retry {
		notes = append(notes, fmt.Sprintf("Retrying the %d questions you missed.", len(sess.Items)))
	}
	s.setNotes(notes...)
	s.result.Hide()
	s.question.Show()
	s.showQuestion()
}

func (s *quizScreen) setNotes(lines ...string) {
	s.notes.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		s.notes.Hide()
	} else {
		s.notes.Show()
	}
	s.top.Refresh()
}

// relayout lays the question and result boxes out again after parts were shown or hidden
// (a container does not do that by itself when a child's visibility changes).
func (s *quizScreen) relayout() {
	s.question.Refresh()
	s.result.Refresh()
	if s.root != nil {
		s.root.Refresh()
	}
}

func (s *quizScreen) item() *lessons.Item {
	if s.session == nil || s.idx >= len(s.session.Items) {
		return nil
	}
	return s.session.Items[s.idx]
}

func (s *quizScreen) showQuestion() {
	it := s.item()
	if it == nil {
		s.showResult()
		return
	}
	n := len(s.session.Items)
	s.counter.SetText(fmt.Sprintf("Question %d of %d", s.idx+1, n))
	s.bar.SetValue(float64(s.idx) / float64(n))
	q := it.Question
	s.prompt.SetText(q.Prompt)
	if it.Live {
		s.basis.SetText("Computed on this machine from " + q.Basis + ".")
		s.basis.Show()
	} else {
		s.basis.Hide()
	}
	s.picked = map[int]bool{}
	s.choices.RemoveAll()
	s.rows = nil
	for pos := range it.Order {
		pos := pos
		row := newChoiceRow("", func() { s.choose(pos) })
		s.rows = append(s.rows, row)
		s.choices.Add(row)
	}
	if q.Kind == lessons.KindNumeric {
		s.entry.SetText("")
		s.entry.Enable()
		s.unit.SetText(q.Unit)
		s.numeric.Show()
		s.a.win.Canvas().Focus(s.entry)
	} else {
		s.numeric.Hide()
		s.a.win.Canvas().Unfocus()
	}
	if q.Kind == lessons.KindMulti {
		s.counter.SetText(s.counter.Text + " · choose all that apply")
	}
	s.paintChoices()
	s.submit.Enable()
	s.next.Hide()
	s.verdict.Hide()
	s.explain.Hide()
	s.relayout()
}

// paintChoices redraws the choice rows: numbers, chosen state and, once answered, marks.
func (s *quizScreen) paintChoices() {
	it := s.item()
	if it == nil {
		return
	}
	for pos, row := range s.rows {
		c := it.Question.Choice[it.Order[pos]]
		text := fmt.Sprintf("%d.  %s", pos+1, c.Text)
		bg := theme.ColorNameInputBackground
		if s.picked[pos] {
			bg = theme.ColorNameSelection
		}
		if it.Answered {
			row.disabled = true
			switch {
			case c.Correct:
				text = "✓ " + text
				bg = colorNameCorrectBackground // readable: ≥ 4.5:1 with the text (theme.go)
			case s.picked[pos]:
				text = "✗ " + text
				bg = colorNameWrongBackground
			}
		} else {
			row.disabled = false
			if s.picked[pos] {
				text = "● " + text
			}
		}
		row.setLook(text, bg)
	}
}
