package lessons

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Item is one question of a running quiz: the question as asked on this machine, the order
// its choices are shown in, and the learner's answer once given.
type Item struct {
	Question Question
	// Order maps display position to choice index: the choice shown at position i (key i+1) is
	// Question.Choice[Order[i]].
	Order    []int
	Live     bool // computed from this machine's facts
	Answered bool
	Answer   Answer
	Correct  bool
}

// Skip records a live question that could not be asked, and why.
type Skip struct {
	ID     string
	Reason string
}

// Feedback is what the learner sees right after answering.
type Feedback struct {
	Correct       bool
	CorrectAnswer string // the right answer in words
	Explanation   string
}

// Score counts a session's answers.
type Score struct {
	Correct  int `json:"correct"`
	Answered int `json:"answered"`
	Total    int `json:"total"`
}

// Percent is the share of all questions answered correctly, 0–100.
func (s Score) Percent() float64 {
	if s.Total == 0 {
		return 0
	}
	return 100 * float64(s.Correct) / float64(s.Total)
}

// Session is one run through a quiz (or through the questions missed last time).
type Session struct {
	LessonID string
	Items    []*Item
	Skipped  []Skip
	Retry    bool // only the questions missed in an earlier session
	rng      *rand.Rand
}

// NewSession starts a quiz: live questions are computed from f (or replaced or skipped when a
// fact is missing) and every question's choices are shuffled. rng may be nil (time-seeded).
func NewSession(q *Quiz, f Facts, rng *rand.Rand) *Session {
	if rng == nil {
		now := uint64(time.Now().UnixNano())
		rng = rand.New(rand.NewPCG(now, now>>17|1))
	}
	s := &Session{LessonID: q.Lesson, rng: rng}
	for _, raw := range q.Questions {
		asked, ok, why := Resolve(raw, f)
		if !ok {
			s.Skipped = append(s.Skipped, Skip{ID: raw.ID, Reason: why})
			continue
		}
		s.Items = append(s.Items, s.newItem(asked, raw.Kind == KindLive && asked.Basis != ""))
	}
	return s
}

func (s *Session) newItem(q Question, live bool) *Item {
	it := &Item{Question: q, Live: live}
	if n := len(q.Choice); n > 0 {
		it.Order = s.rng.Perm(n)
	}
	return it
}

// ErrAnswered means the question was already answered in this session.
var ErrAnswered = errors.New("this question is already answered: go to the next one")

// Submit grades the answer to item i. An ungradable answer (nothing chosen, not a number)
// returns an error and does not count as an attempt.
func (s *Session) Submit(i int, a Answer) (Feedback, error) {
	if i < 0 || i >= len(s.Items) {
		return Feedback{}, fmt.Errorf("question %d does not exist (the quiz has %d)", i+1, len(s.Items))
	}
	it := s.Items[i]
	if it.Answered {
		return Feedback{}, ErrAnswered
	}
	ok, err := Grade(it.Question, a)
	if err != nil {
		return Feedback{}, err
	}
	it.Answered, it.Answer, it.Correct = true, a, ok
	return Feedback{Correct: ok, CorrectAnswer: CorrectAnswerText(it.Question), Explanation: it.Question.Explanation}, nil
}

// Score counts correct and answered questions out of those asked.
func (s *Session) Score() Score {
	sc := Score{Total: len(s.Items)}
	for _, it := range s.Items {
		if it.Answered {
			sc.Answered++
			if it.Correct {
				sc.Correct++
			}
		}
	}
	return sc
}

// Done says whether every question has been answered.
func (s *Session) Done() bool {
	sc := s.Score()
	return sc.Answered == sc.Total
}

// Missed returns the ids of questions answered wrongly.
func (s *Session) Missed() []string {
	var ids []string
	for _, it := range s.Items {
		if it.Answered && !it.Correct {
			ids = append(ids, it.Question.ID)
		}
	}
	return ids
}

// RetryMissed starts a new session with only the questions answered wrongly here, the same
// questions (live ones keep their numbers) with their choices shuffled again. It returns nil
// when nothing was missed.
func (s *Session) RetryMissed() *Session {
	r := &Session{LessonID: s.LessonID, Retry: true, rng: s.rng}
	for _, it := range s.Items {
		if it.Answered && !it.Correct {
			r.Items = append(r.Items, r.newItem(it.Question, it.Live))
		}
	}
	if len(r.Items) == 0 {
		return nil
	}
	return r
}
