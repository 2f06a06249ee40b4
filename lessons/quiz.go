package lessons

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kind is a question's type.
type Kind string

// Question kinds.
const (
	// KindSingle has one correct choice.
	KindSingle Kind = "single"
	// KindMulti has one or more correct choices; the answer must pick exactly those.
	KindMulti Kind = "multi"
	// KindNumeric expects a number in Unit, correct within Tolerance or TolerancePct.
	KindNumeric Kind = "numeric"
	// KindLive is computed from this machine's Facts when a quiz starts (see LiveGenerators).
	KindLive Kind = "live"
)

// Choice is one option of a single or multiple choice question.
type Choice struct {
	Text    string `yaml:"text" json:"text"`
	Correct bool   `yaml:"correct" json:"correct"`
}

// Question is one quiz question as written in a quiz file (or as computed for a live one).
type Question struct {
	ID     string   `yaml:"id"`
	Kind   Kind     `yaml:"kind"`
	Prompt string   `yaml:"prompt"`
	Choice []Choice `yaml:"choices"`
	// Numeric questions.
	Answer       *float64 `yaml:"answer"`
	Tolerance    float64  `yaml:"tolerance"`     // absolute, in Unit
	TolerancePct float64  `yaml:"tolerance_pct"` // percent of Answer
	Unit         string   `yaml:"unit"`
	// Explanation is shown after the learner answers, right or wrong.
	Explanation string `yaml:"explanation"`
	// Live questions: the generator's name, its parameters, and what to ask instead when the
	// fact it needs is not measured (without a fallback the question is skipped).
	Live     string             `yaml:"live"`
	Params   map[string]float64 `yaml:"params"`
	Fallback *Question          `yaml:"fallback"`
	// Basis says, for a computed live question, which measurement it used and how.
	Basis string `yaml:"-"`
}

// Quiz is a lesson's "Check yourself" quiz.
type Quiz struct {
	Lesson    string     `yaml:"lesson"`
	Title     string     `yaml:"title"`
	Questions []Question `yaml:"questions"`
}

// ParseQuiz parses and validates a quiz file (YAML; JSON is accepted too, being valid YAML).
func ParseQuiz(data []byte) (*Quiz, error) {
	var q Quiz
	dec := yaml.NewDecoder(strings.NewReader(strings.TrimPrefix(string(data), "\xef\xbb\xbf")))
	dec.KnownFields(true)
	if err := dec.Decode(&q); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the quiz file is empty: it needs lesson, title and questions")
		}
		return nil, cleanYAMLError(err, 0)
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return &q, nil
}

// Validate checks a quiz: a lesson id, at least one question, unique question ids, and each
// question complete for its kind. The error lists every problem found.
func (q *Quiz) Validate() error {
	var probs []string
	if strings.TrimSpace(q.Lesson) == "" {
		probs = append(probs, "lesson is missing (the id of the lesson this quiz belongs to)")
	}
	if len(q.Questions) == 0 {
		probs = append(probs, "questions is empty: a quiz needs at least one question")
	}
	seen := map[string]int{}
	for i := range q.Questions {
		qq := &q.Questions[i]
		where := fmt.Sprintf("question %d", i+1)
		if qq.ID != "" {
			where += fmt.Sprintf(" (id %s)", qq.ID)
			if prev, dup := seen[qq.ID]; dup {
				probs = append(probs, fmt.Sprintf("%s: id %q is already used by question %d", where, qq.ID, prev))
			}
			seen[qq.ID] = i + 1
		}
		if err := qq.validate(false); err != nil {
			probs = append(probs, where+": "+err.Error())
		}
	}
	if len(probs) > 0 {
		return errors.New(strings.Join(probs, "; "))
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Answer is a learner's answer: choice indexes into Question.Choice (the file's order, not the
// shuffled display order) or, for numeric questions, the number typed.
type Answer struct {
	Choices []int
	Number  float64
}

// ErrNoAnswer means nothing was chosen or typed yet.
var ErrNoAnswer = errors.New("choose an answer first")

// Grade says whether a is correct for q. An error means the answer cannot be graded (nothing
// chosen, two choices on a single-choice question, an index out of range, a number that is not
// finite); the learner should be told and the attempt not counted.
func Grade(q Question, a Answer) (bool, error) {
	switch q.Kind {
	case KindSingle, KindMulti:
		if len(a.Choices) == 0 {
			return false, ErrNoAnswer
		}
		if q.Kind == KindSingle && len(a.Choices) != 1 {
			return false, fmt.Errorf("choose exactly one answer (%d chosen)", len(a.Choices))
		}
		picked := map[int]bool{}
		for _, c := range a.Choices {
			if c < 0 || c >= len(q.Choice) {
				return false, fmt.Errorf("choice %d does not exist (the question has %d)", c+1, len(q.Choice))
			}
			picked[c] = true
		}
		for i, c := range q.Choice {
			if c.Correct != picked[i] {
				return false, nil
			}
		}
		return true, nil
	case KindNumeric:
		if q.Answer == nil {
			return false, fmt.Errorf("question %s has no answer to compare with", q.ID)
		}
		if math.IsNaN(a.Number) || math.IsInf(a.Number, 0) {
			return false, errors.New("enter a finite number")
		}
		return math.Abs(a.Number-*q.Answer) <= q.allowedError(), nil
	}
	return false, fmt.Errorf("question %s of kind %q cannot be graded directly", q.ID, q.Kind)
}

// allowedError is the larger of the absolute and relative tolerance, and never less than a
// rounding error.
func (q Question) allowedError() float64 {
	ans := *q.Answer
	tol := math.Max(q.Tolerance, math.Abs(ans)*q.TolerancePct/100)
	return math.Max(tol, 1e-9*math.Max(1, math.Abs(ans)))
}

// ParseNumber reads a number as a learner types it: "5.5", "5,5", "1e3", optionally followed
// by the question's unit ("5.5 s"). The error says what to type instead.
func ParseNumber(s, unit string) (float64, error) {
	t := strings.TrimSpace(s)
	if u := strings.TrimSpace(unit); u != "" {
		if strings.HasSuffix(strings.ToLower(t), strings.ToLower(u)) {
			t = strings.TrimSpace(t[:len(t)-len(u)])
		}
	}
	t = strings.ReplaceAll(t, "_", "")
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	t = strings.TrimPrefix(t, "~")
	t = strings.TrimPrefix(t, "≈")
	if t == "" {
		return 0, ErrNoAnswer
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number: type digits such as 5.5", strings.TrimSpace(s))
	}
	return v, nil
}

// CorrectAnswerText describes the correct answer in words, for feedback after a wrong answer.
func CorrectAnswerText(q Question) string {
	switch q.Kind {
	case KindSingle, KindMulti:
		var c []string
		for _, ch := range q.Choice {
			if ch.Correct {
				c = append(c, ch.Text)
			}
		}
		return strings.Join(c, " + ")
	case KindNumeric:
		if q.Answer == nil {
			return ""
		}
		s := formatNum(*q.Answer) + " " + q.Unit
		if tol := q.allowedError(); tol > 1e-6*math.Max(1, math.Abs(*q.Answer)) {
			s += " (anything within ±" + formatNum(tol) + " counts)"
		}
		return s
	}
	return ""
}

// AnswerText describes an answer in words (what the progress store keeps as "last answer").
func AnswerText(q Question, a Answer) string {
	switch q.Kind {
	case KindSingle, KindMulti:
		var c []string
		for _, i := range a.Choices {
			if i >= 0 && i < len(q.Choice) {
				c = append(c, q.Choice[i].Text)
			}
		}
		return strings.Join(c, " + ")
	case KindNumeric:
		return formatNum(a.Number) + " " + q.Unit
	}
	return ""
}

// formatNum prints a number with about three significant digits, without exponent for the
// ranges a quiz uses.
func formatNum(v float64) string {
	av := math.Abs(v)
	switch {
	case av == 0:
		return "0"
	case av >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case av >= 10:
		return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	case av >= 1:
		return strings.TrimSuffix(strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), "."), ".")
	case av >= 0.01:
		return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
