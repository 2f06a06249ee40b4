package lessons

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"slmscope/internal/predict/predicttest"
)

const okChoices = "    choices:\n      - text: a\n        correct: true\n      - text: b\n"

func TestParseQuizInvalid(t *testing.T) {
	head := "lesson: x\nquestions:\n"
	q := func(body string) string { return head + "  - id: q1\n" + body }
	tests := []parseErrorCase{
		{"empty", "", "empty"},
		{"not yaml", "lesson: [", "did not find expected"},
		{"unknown field", "lesson: x\ncolour: red\nquestions: []\n", "field colour not found"},
		{"no lesson", "questions:\n  - id: q1\n    kind: single\n    prompt: p\n    explanation: e\n" + okChoices, "lesson is missing"},
		{"no questions", "lesson: x\nquestions: []\n", "at least one question"},
		{"missing id", head + "  - kind: single\n    prompt: p\n    explanation: e\n" + okChoices, "id is missing"},
		{"duplicate id", head + "  - id: a\n    kind: single\n    prompt: p\n    explanation: e\n" + okChoices +
			"  - id: a\n    kind: single\n    prompt: p\n    explanation: e\n" + okChoices, "already used by question 1"},
		{"missing kind", q("    prompt: p\n    explanation: e\n" + okChoices), "kind is missing"},
		{"unknown kind", q("    kind: essay\n    prompt: p\n    explanation: e\n"), `kind "essay"`},
		{"missing prompt", q("    kind: single\n    explanation: e\n" + okChoices), "prompt is missing"},
		{"missing explanation", q("    kind: single\n    prompt: p\n" + okChoices), "explanation is missing"},
		{"one choice", q("    kind: single\n    prompt: p\n    explanation: e\n    choices:\n      - text: a\n        correct: true\n"), "at least 2 choices"},
		{"two correct on single", q("    kind: single\n    prompt: p\n    explanation: e\n    choices:\n      - text: a\n        correct: true\n      - text: b\n        correct: true\n"), "exactly one choice"},
		{"none correct on multi", q("    kind: multi\n    prompt: p\n    explanation: e\n    choices:\n      - text: a\n      - text: b\n"), "at least one choice with correct"},
		{"repeated choice", q("    kind: multi\n    prompt: p\n    explanation: e\n    choices:\n      - text: a\n        correct: true\n      - text: a\n"), "repeats the text"},
		{"empty choice", q("    kind: multi\n    prompt: p\n    explanation: e\n    choices:\n      - text: a\n        correct: true\n      - text: ''\n"), "has no text"},
		{"numeric without answer", q("    kind: numeric\n    prompt: p\n    explanation: e\n    unit: GB\n"), "needs answer"},
		{"numeric without unit", q("    kind: numeric\n    prompt: p\n    explanation: e\n    answer: 3\n"), "needs unit"},
		{"negative tolerance", q("    kind: numeric\n    prompt: p\n    explanation: e\n    answer: 3\n    unit: GB\n    tolerance: -1\n"), "must not be negative"},
		{"numeric with choices", q("    kind: numeric\n    prompt: p\n    explanation: e\n    answer: 3\n    unit: GB\n" + okChoices), "has no choices"},
		{"choice with answer", q("    kind: single\n    prompt: p\n    explanation: e\n    answer: 3\n" + okChoices), "numeric questions only"},
		{"unknown live", q("    kind: live\n    live: gpu-count\n"), `live "gpu-count" is not a known`},
		{"unknown live param", q("    kind: live\n    live: gen-time\n    params:\n      words: 3\n"), `"words" is not a parameter`},
		{"bad live param", q("    kind: live\n    live: gen-time\n    params:\n      tokens: -3\n"), "must be a positive number"},
		{"live with prompt", q("    kind: live\n    live: gen-time\n    prompt: p\n"), "are computed"},
		{"live fallback is live", q("    kind: live\n    live: gen-time\n    fallback:\n      kind: live\n      live: gen-time\n"), "cannot itself be a live"},
		{"live fallback incomplete", q("    kind: live\n    live: gen-time\n    fallback:\n      kind: numeric\n      prompt: p\n      explanation: e\n"), "fallback: a numeric question needs answer"},
		{"live fields on single", q("    kind: single\n    prompt: p\n    explanation: e\n    live: gen-time\n" + okChoices), "live questions only"},
	}
	checkParseErrors(t, tests, func(data []byte) error {
		_, err := ParseQuiz(data)
		return err
	})
}

func TestParseQuizValidYAMLAndJSON(t *testing.T) {
	yamlQuiz := "lesson: x\ntitle: T\nquestions:\n  - id: q1\n    kind: numeric\n    prompt: p\n    explanation: e\n    answer: 14\n    tolerance_pct: 10\n    unit: GB\n"
	jsonQuiz := `{"lesson":"x","title":"T","questions":[{"id":"q1","kind":"numeric","prompt":"p","explanation":"e","answer":14,"tolerance_pct":10,"unit":"GB"}]}`
	for name, src := range map[string]string{"yaml": yamlQuiz, "json": jsonQuiz} {
		q, err := ParseQuiz([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(q.Questions) != 1 || *q.Questions[0].Answer != 14 || q.Questions[0].TolerancePct != 10 || q.Questions[0].Unit != "GB" {
			t.Errorf("%s: parsed %+v", name, q.Questions[0])
		}
	}
}

func ptr(f float64) *float64 { return &f }

func TestGrade(t *testing.T) {
	single := Question{ID: "s", Kind: KindSingle, Choice: []Choice{{Text: "a"}, {Text: "b", Correct: true}, {Text: "c"}}}
	multi := Question{ID: "m", Kind: KindMulti, Choice: []Choice{{Text: "a", Correct: true}, {Text: "b"}, {Text: "c", Correct: true}}}
	numAbs := Question{ID: "n", Kind: KindNumeric, Answer: ptr(14), Tolerance: 1, Unit: "GB"}
	numPct := Question{ID: "p", Kind: KindNumeric, Answer: ptr(200), TolerancePct: 5, Unit: "s"}
	numExact := Question{ID: "e", Kind: KindNumeric, Answer: ptr(0.27), Unit: "GB"}
	tests := []struct {
		name    string
		q       Question
		a       Answer
		want    bool
		wantErr bool
	}{
		{"single right", single, Answer{Choices: []int{1}}, true, false},
		{"single wrong", single, Answer{Choices: []int{0}}, false, false},
		{"single none", single, Answer{}, false, true},
		{"single two", single, Answer{Choices: []int{0, 1}}, false, true},
		{"single out of range", single, Answer{Choices: []int{3}}, false, true},
		{"multi exact", multi, Answer{Choices: []int{2, 0}}, true, false},
		{"multi partial", multi, Answer{Choices: []int{0}}, false, false},
		{"multi superset", multi, Answer{Choices: []int{0, 1, 2}}, false, false},
		{"multi wrong only", multi, Answer{Choices: []int{1}}, false, false},
		{"multi none", multi, Answer{}, false, true},
		{"numeric exact", numAbs, Answer{Number: 14}, true, false},
		{"numeric within abs", numAbs, Answer{Number: 14.9}, true, false},
		{"numeric outside abs", numAbs, Answer{Number: 15.2}, false, false},
		{"numeric within pct", numPct, Answer{Number: 209}, true, false},
		{"numeric outside pct", numPct, Answer{Number: 189}, false, false},
		{"numeric no tolerance", numExact, Answer{Number: 0.27}, true, false},
		{"numeric no tolerance off", numExact, Answer{Number: 0.28}, false, false},
		{"numeric NaN", numAbs, Answer{Number: math.NaN()}, false, true},
		{"live not gradable", Question{Kind: KindLive}, Answer{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Grade(tt.q, tt.a)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("Grade = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, unit string
		want     float64
		err      bool
	}{
		{"5.5", "s", 5.5, false},
		{" 5,5 ", "s", 5.5, false},
		{"5.5 s", "s", 5.5, false},
		{"14GB", "GB", 14, false},
		{"1e3", "", 1000, false},
		{"~10", "s", 10, false},
		{"", "s", 0, true},
		{"ten", "s", 0, true},
		{"NaN", "", 0, true},
		{"1,000.5", "", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in, tt.unit)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestLiveQuestions(t *testing.T) {
	const gib16 = 16e9
	tests := []struct {
		name     string
		q        Question
		facts    Facts
		ok       bool
		kind     Kind
		correct  string  // single: text of the correct choice (prefix)
		answer   float64 // numeric
		inPrompt string
	}{
		{"70B does not fit in 16 GB", Question{ID: "l", Kind: KindLive, Live: "ram-fits-model", Params: map[string]float64{"params_b": 70, "bytes_per_param": 2}},
			Facts{AvailableRAMBytes: gib16, RAMSource: "fake"}, true, KindSingle, "No:", 0, "16 GB"},
		{"135M fits in 16 GB", Question{ID: "l", Kind: KindLive, Live: "ram-fits-model", Params: map[string]float64{"params_b": 0.135}},
			Facts{AvailableRAMBytes: gib16}, true, KindSingle, "Yes:", 0, "0.14-billion"},
		{"70B fits in 200 GB", Question{ID: "l", Kind: KindLive, Live: "ram-fits-model"},
			Facts{AvailableRAMBytes: 200e9}, true, KindSingle, "Yes:", 0, "70-billion"},
		{"max params 16 GB bf16", Question{ID: "l", Kind: KindLive, Live: "max-params-in-ram"},
			Facts{AvailableRAMBytes: gib16}, true, KindNumeric, "", 8, "16 GB"},
		{"max params 16 GB 4-bit", Question{ID: "l", Kind: KindLive, Live: "max-params-in-ram", Params: map[string]float64{"bytes_per_param": 0.5}},
			Facts{AvailableRAMBytes: gib16}, true, KindNumeric, "", 32, "4-bit"},
		{"gen time 50 tok/s", Question{ID: "l", Kind: KindLive, Live: "gen-time"},
			Facts{GenTPS: 50, GenModel: "SmolLM2-135M twin"}, true, KindNumeric, "", 10, "SmolLM2-135M twin"},
		{"gen time 1000 tokens", Question{ID: "l", Kind: KindLive, Live: "gen-time", Params: map[string]float64{"tokens": 1000}},
			Facts{GenTPS: 90.5}, true, KindNumeric, "", 1000 / 90.5, "90.5 tokens"},
		{"no RAM: skipped", Question{ID: "l", Kind: KindLive, Live: "max-params-in-ram"}, Facts{GenTPS: 3}, false, "", "", 0, ""},
		{"no speed: skipped", Question{ID: "l", Kind: KindLive, Live: "gen-time"}, Facts{AvailableRAMBytes: 1}, false, "", "", 0, ""},
		{"infinite speed: skipped", Question{ID: "l", Kind: KindLive, Live: "gen-time"}, Facts{GenTPS: math.Inf(1)}, false, "", "", 0, ""},
		{"no speed: fallback", Question{ID: "l", Kind: KindLive, Live: "gen-time", Fallback: &Question{Kind: KindNumeric, Prompt: "p", Answer: ptr(10), TolerancePct: 10, Unit: "s", Explanation: "e"}},
			Facts{}, true, KindNumeric, "", 10, "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ok, why := Resolve(tt.q, tt.facts)
			if ok != tt.ok {
				t.Fatalf("ok = %v (%s), want %v", ok, why, tt.ok)
			}
			if !ok {
				if !strings.Contains(why, "not measured yet") {
					t.Errorf("skip reason %q does not say the fact is not measured", why)
				}
				return
			}
			if q.Kind != tt.kind || !strings.Contains(q.Prompt, tt.inPrompt) || q.Explanation == "" {
				t.Fatalf("question = %+v", q)
			}
			switch q.Kind {
			case KindSingle:
				if c := CorrectAnswerText(q); !strings.HasPrefix(c, tt.correct) {
					t.Errorf("correct answer %q, want %q…", c, tt.correct)
				}
			case KindNumeric:
				if math.Abs(*q.Answer-tt.answer) > 1e-9 {
					t.Errorf("answer %v, want %v", *q.Answer, tt.answer)
				}
				if ok, _ := Grade(q, Answer{Number: tt.answer * 1.04}); !ok {
					t.Errorf("an answer 4%% off should count")
				}
				if ok, _ := Grade(q, Answer{Number: tt.answer * 1.5}); ok {
					t.Errorf("an answer 50%% off should not count")
				}
			}
		})
	}
}

func TestOnThisMachine(t *testing.T) {
	f := Facts{AvailableRAMBytes: 8e9, TotalRAMBytes: 16e9, RAMSource: "fake probe", GenTPS: 90, GenModel: "m", GenSource: "Live run"}
	mem, ok := OnThisMachine("memory", f)
	if !ok || !strings.Contains(mem, "8 GB of memory is available (of 16 GB in total) (fake probe)") || !strings.Contains(mem, "about 18 times as much") {
		t.Errorf("memory line = %q", mem)
	}
	sp, ok := OnThisMachine("speed", f)
	if !ok || !strings.Contains(sp, "90 tokens/s with m (Live run)") || !strings.Contains(sp, "about 5.56 s") {
		t.Errorf("speed line = %q", sp)
	}
	for _, topic := range LiveTopics {
		s, ok := OnThisMachine(topic, Facts{})
		if ok || !(strings.Contains(s, "not measured yet") || strings.Contains(s, "not projected yet")) || strings.ContainsAny(s, "0123456789") {
			t.Errorf("%s with no facts = %q, %v", topic, s, ok)
		}
	}
}

func TestSessionShuffleScoreRetry(t *testing.T) {
	l := builtinLesson8(t)
	rng := rand.New(rand.NewPCG(1, 2))
	full := NewSession(l.QuizSet, Facts{AvailableRAMBytes: 16e9, GenTPS: 50, LastPrediction: predicttest.Sample()}, rng)
	if len(full.Items) != len(l.QuizSet.Questions) || len(full.Skipped) != 0 {
		t.Fatalf("with all facts: %d items, %d skipped", len(full.Items), len(full.Skipped))
	}
	none := NewSession(l.QuizSet, Facts{}, rng)
	if len(none.Skipped) != 3 || len(none.Items) != len(l.QuizSet.Questions)-3 {
		t.Fatalf("with no facts: %d items, skipped %+v", len(none.Items), none.Skipped)
	}
	shuffled := false
	for _, it := range full.Items {
		if len(it.Order) != len(it.Question.Choice) {
			t.Fatalf("%s: order %v for %d choices", it.Question.ID, it.Order, len(it.Question.Choice))
		}
		perm := append([]int(nil), it.Order...)
		sort.Ints(perm)
		for i, v := range perm {
			if v != i {
				t.Fatalf("%s: order %v is not a permutation", it.Question.ID, it.Order)
			}
			if it.Order[i] != i {
				shuffled = true
			}
		}
	}
	if !shuffled {
		t.Error("no question had its choices shuffled")
	}
	// Answer the first question right and every other one wrong.
	for i, it := range full.Items {
		var a Answer
		q := it.Question
		switch q.Kind {
		case KindNumeric:
			a.Number = *q.Answer
			if i > 0 {
				a.Number = *q.Answer*3 + 1
			}
		default:
			for j, c := range q.Choice {
				if c.Correct == (i == 0) {
					a.Choices = append(a.Choices, j)
					if q.Kind == KindSingle {
						break
					}
				}
			}
		}
		fb, err := full.Submit(i, a)
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		if fb.Correct != (i == 0) || fb.Explanation == "" || fb.CorrectAnswer == "" {
			t.Fatalf("%s: feedback %+v", q.ID, fb)
		}
	}
	if _, err := full.Submit(0, Answer{Choices: []int{0}}); err != ErrAnswered {
		t.Errorf("second answer: %v, want ErrAnswered", err)
	}
	sc := full.Score()
	if sc != (Score{Correct: 1, Answered: len(full.Items), Total: len(full.Items)}) || !full.Done() {
		t.Fatalf("score %+v", sc)
	}
	retry := full.RetryMissed()
	if retry == nil || !retry.Retry || len(retry.Items) != len(full.Items)-1 || len(full.Missed()) != len(retry.Items) {
		t.Fatalf("retry: %+v", retry)
	}
	if retry.Items[0].Question.ID != full.Items[1].Question.ID || retry.Items[0].Answered {
		t.Errorf("retry starts with %s (answered %v)", retry.Items[0].Question.ID, retry.Items[0].Answered)
	}
	choiceItem := -1
	for i, it := range retry.Items {
		if it.Question.Kind != KindNumeric {
			choiceItem = i
			break
		}
	}
	if _, err := retry.Submit(choiceItem, Answer{}); err == nil {
		t.Error("an empty answer was accepted")
	}
	if retry.Score().Answered != 0 {
		t.Error("an empty answer counted as an attempt")
	}
}
