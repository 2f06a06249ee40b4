package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// Answering a quiz question: choosing, submitting, the verdict, the next question and the result.

// choose picks answer number pos (0-based display position): single choice replaces the
// pick, multiple choice toggles it.
func (s *quizScreen) choose(pos int) {
	it := s.item()
	if it == nil || it.Answered || pos < 0 || pos >= len(s.rows) {
		return
	}
	if it.Question.Kind == lessons.KindSingle {
		s.picked = map[int]bool{pos: true}
	} else {
		s.picked[pos] = !s.picked[pos]
	}
	s.paintChoices()
}

// onEnter submits an open question, or moves on from an answered one.
func (s *quizScreen) onEnter() {
	it := s.item()
	switch {
	case it == nil:
	case it.Answered:
		s.onNext()
	default:
		s.onSubmit()
	}
}

func (s *quizScreen) onSubmit() {
	it := s.item()
	if it == nil || it.Answered {
		return
	}
	q := it.Question
	var a lessons.Answer
	if q.Kind == lessons.KindNumeric {
		v, err := lessons.ParseNumber(s.entry.Text, q.Unit)
		if err != nil {
			s.showVerdict("⚠ "+upperFirst(err.Error())+".", widget.WarningImportance)
			return
		}
		a.Number = v
	} else {
		for pos := range it.Order {
			if s.picked[pos] {
				a.Choices = append(a.Choices, it.Order[pos])
			}
		}
	}
	fb, err := s.session.Submit(s.idx, a)
	if err != nil {
		if errors.Is(err, lessons.ErrNoAnswer) && q.Kind != lessons.KindNumeric {
			err = errors.New("choose an answer first: tap it or press its number")
		}
		s.showVerdict("⚠ "+upperFirst(err.Error())+".", widget.WarningImportance)
		return
	}
	var notes []string
	if serr := s.st.store.RecordAnswer(s.session.LessonID, q, a, fb.Correct, time.Now()); serr != nil {
		notes = append(notes, serr.Error())
	}
	if fb.Correct {
		s.showVerdict("✓ Correct.", widget.SuccessImportance)
	} else {
		s.showVerdict("✗ Not quite. The answer: "+fb.CorrectAnswer+".", widget.DangerImportance)
	}
	s.explain.SetText(fb.Explanation)
	s.explain.Show()
	if q.Kind == lessons.KindNumeric {
		s.entry.Disable()
		s.a.win.Canvas().Unfocus()
	}
	s.paintChoices()
	s.submit.Disable()
	last := s.idx == len(s.session.Items)-1
	s.next.SetText("Next (Enter)")
	if last {
		s.next.SetText("See my score (Enter)")
	}
	s.next.Show()
	s.bar.SetValue(float64(s.idx+1) / float64(len(s.session.Items)))
	if len(notes) > 0 {
		s.setNotes(notes...)
	}
	s.relayout()
	s.st.progressChanged()
}

func (s *quizScreen) showVerdict(text string, imp widget.Importance) {
	s.verdict.SetText(text)
	s.verdict.Importance = imp
	s.verdict.Refresh()
	s.verdict.Show()
	s.relayout()
}

func (s *quizScreen) onNext() {
	it := s.item()
	if it == nil || !it.Answered {
		return
	}
	s.idx++
	s.showQuestion()
}

func (s *quizScreen) showResult() {
	s.question.Hide()
	s.a.win.Canvas().Unfocus()
	sc := s.session.Score()
	s.bar.SetValue(1)
	what := "quiz"
	if s.session.Retry {
		what = "retry"
	}
	s.score.SetText(fmt.Sprintf("Your score on this %s: %d of %d (%.0f%%).", what, sc.Correct, sc.Total, sc.Percent()))
	missed := s.session.Missed()
	if len(missed) == 0 {
		s.missed.SetText("Every answer was right.")
		s.retry.Disable()
	} else {
		var prompts []string
		for _, it := range s.session.Items {
			if it.Answered && !it.Correct {
				prompts = append(prompts, "• "+it.Question.Prompt)
			}
		}
		s.missed.SetText("Missed:\n" + strings.Join(prompts, "\n"))
		s.retry.Enable()
	}
	if err := s.st.store.RecordSession(s.session.LessonID, sc, s.session.Retry, time.Now()); err != nil {
		s.setNotes(err.Error())
	}
	s.result.Show()
	s.relayout()
	s.st.progressChanged()
}

func (s *quizScreen) onRetry() {
	if s.session == nil {
		return
	}
	if r := s.session.RetryMissed(); r != nil {
		s.begin(r)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
