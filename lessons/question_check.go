package lessons

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// validate checks that a question is complete for its kind and lists every problem found. A
// fallback (isFallback) needs no id and cannot be live.
func (q *Question) validate(isFallback bool) error {
	var p problems
	q.validateCommon(&p, isFallback)
	switch q.Kind {
	case KindSingle, KindMulti:
		q.validateChoices(&p)
	case KindNumeric:
		q.validateNumeric(&p)
	case KindLive:
		q.validateLive(&p, isFallback)
	case "":
		p.add("kind is missing (single, multi, numeric or live)")
	default:
		p.add("kind %q is not one of single, multi, numeric, live", q.Kind)
	}
	return p.err()
}

// problems collects what is wrong with a question, so that a quiz's author sees every
// problem at once.
type problems []string

func (p *problems) add(f string, a ...any) { *p = append(*p, fmt.Sprintf(f, a...)) }

// err joins the problems into one error, or is nil when there are none.
func (p problems) err() error {
	if len(p) > 0 {
		return errors.New(strings.Join(p, "; "))
	}
	return nil
}

// validateCommon checks what every kind needs: an id (a fallback may go without) and, unless
// computed live, a prompt and an explanation.
func (q *Question) validateCommon(p *problems, isFallback bool) {
	if q.ID == "" && !isFallback {
		p.add("id is missing")
	} else if q.ID != "" && !idRE.MatchString(q.ID) {
		p.add("id %q must be lower-case letters, digits, '-' or '_'", q.ID)
	}
	if q.Kind != KindLive && strings.TrimSpace(q.Prompt) == "" {
		p.add("prompt is missing")
	}
	if q.Kind != KindLive && strings.TrimSpace(q.Explanation) == "" {
		p.add("explanation is missing (it is shown after answering)")
	}
}

// noNumeric refuses the numeric fields on a question of another kind.
func (q *Question) noNumeric(p *problems) {
	if q.Answer != nil || q.Tolerance != 0 || q.TolerancePct != 0 || q.Unit != "" {
		p.add("answer, tolerance, tolerance_pct and unit belong to numeric questions only")
	}
}

// noLive refuses the live fields on a question of another kind.
func (q *Question) noLive(p *problems) {
	if q.Live != "" || q.Params != nil || q.Fallback != nil {
		p.add("live, params and fallback belong to live questions only")
	}
}

// validateChoices checks a single- or multi-choice question: at least two choices, each with
// its own text, and one correct choice (single) or at least one (multi).
func (q *Question) validateChoices(p *problems) {
	q.noNumeric(p)
	q.noLive(p)
	if len(q.Choice) < 2 {
		p.add("a %s-choice question needs at least 2 choices, found %d", q.Kind, len(q.Choice))
	}
	texts := map[string]bool{}
	correct := 0
	for j, c := range q.Choice {
		t := strings.TrimSpace(c.Text)
		if t == "" {
			p.add("choice %d has no text", j+1)
		}
		if texts[t] {
			p.add("choice %d repeats the text %q", j+1, t)
		}
		texts[t] = true
		if c.Correct {
			correct++
		}
	}
	if q.Kind == KindSingle && correct != 1 {
		p.add("a single-choice question needs exactly one choice with correct: true, found %d", correct)
	}
	if q.Kind == KindMulti && correct == 0 {
		p.add("a multi-choice question needs at least one choice with correct: true")
	}
}

// validateNumeric checks a numeric question: no choices, a finite answer, tolerances that
// are not negative, and a unit.
func (q *Question) validateNumeric(p *problems) {
	q.noLive(p)
	if len(q.Choice) > 0 {
		p.add("a numeric question has no choices")
	}
	if q.Answer == nil {
		p.add("a numeric question needs answer")
	} else if math.IsNaN(*q.Answer) || math.IsInf(*q.Answer, 0) {
		p.add("answer must be a finite number")
	}
	if q.Tolerance < 0 || q.TolerancePct < 0 || math.IsNaN(q.Tolerance) || math.IsNaN(q.TolerancePct) {
		p.add("tolerance and tolerance_pct must not be negative")
	}
	if strings.TrimSpace(q.Unit) == "" {
		p.add(`a numeric question needs unit (for example "GB", "s" or "tokens/s")`)
	}
}

// validateLive checks a live question: only the generator, its parameters and a fallback
// (which may not be live itself) are given; the rest is computed.
func (q *Question) validateLive(p *problems, isFallback bool) {
	if isFallback {
		p.add("a fallback cannot itself be a live question")
		return
	}
	q.noNumeric(p)
	if len(q.Choice) > 0 || q.Prompt != "" || q.Explanation != "" {
		p.add("a live question's prompt, choices and explanation are computed; give only live, params and fallback")
	}
	gen, ok := LiveGenerators[q.Live]
	if !ok {
		p.add("live %q is not a known live question (known: %s)", q.Live, strings.Join(liveNames(), ", "))
		return
	}
	for k, v := range q.Params {
		if _, known := gen.Params[k]; !known {
			p.add("params: %q is not a parameter of %s (known: %s)", k, q.Live, strings.Join(sortedKeys(gen.Params), ", "))
		} else if !(v > 0) || math.IsInf(v, 0) {
			p.add("params: %s must be a positive number", k)
		}
	}
	if q.Fallback != nil {
		if err := q.Fallback.validate(true); err != nil {
			p.add("fallback: %v", err)
		}
	}
}
