package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/internal/predict/predicttest"
	"slmscope/lessons"
)

// newLessonTestApp builds an App around a test window with the lesson state pointed at
// temporary folders and the given facts.
func newLessonTestApp(t *testing.T, facts lessons.Facts, progressContent string) (*App, *lessonState) {
	t.Helper()
	return newLessonTestAppIn(t, t.TempDir(), facts, progressContent)
}

// newLessonTestAppIn is newLessonTestApp with its files in dir.
func newLessonTestAppIn(t *testing.T, dir string, facts lessons.Facts, progressContent string) (*App, *lessonState) {
	t.Helper()
	fa := newTestApp(t)
	a := withUIExec(&App{fyne: fa, win: fa.NewWindow("lessons test")})
	a.content = container.NewStack()
	a.win.SetContent(a.content)
	a.win.Resize(fyne.NewSize(1000, 800))
	progress := filepath.Join(dir, "progress.json")
	if progressContent != "" {
		if err := os.WriteFile(progress, []byte(progressContent), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st := newLessonState(filepath.Join(dir, "lessons"), progress, func() lessons.Facts { return facts })
	a.setLessonState(st)
	return a, st
}

func showIn(a *App, o fyne.CanvasObject) {
	a.content.Objects = []fyne.CanvasObject{o}
	a.content.Refresh()
}

// correctPositions returns the display positions of an item's correct choices.
func correctPositions(it *lessons.Item) []int {
	var out []int
	for pos, idx := range it.Order {
		if it.Question.Choice[idx].Correct {
			out = append(out, pos)
		}
	}
	return out
}

func pressEnter(c fyne.Canvas) { c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

func TestQuizScreenTapKeysScoreRetry(t *testing.T) {
	a, st := newLessonTestApp(t, lessons.Facts{AvailableRAMBytes: 16e9, RAMSource: "fake", GenTPS: 50, GenModel: "twin", LastPrediction: predicttest.Sample()}, "")
	q := newQuizScreen(a)
	showIn(a, q.buildUI())
	c := a.win.Canvas()
	if q.session == nil || len(q.session.Items) != 11 || len(q.session.Skipped) != 0 {
		t.Fatalf("session not started with all 11 questions: %+v", q.session)
	}
	if !strings.Contains(q.counter.Text, "Question 1 of 11") {
		t.Errorf("counter %q", q.counter.Text)
	}
	for i, it := range q.session.Items {
		first := i == 0
		switch it.Question.Kind {
		case lessons.KindNumeric:
			test.Type(q.entry, lessons.CorrectAnswerText(it.Question)[:strings.Index(lessons.CorrectAnswerText(it.Question), " ")])
			test.Tap(q.submit)
		case lessons.KindSingle:
			right := correctPositions(it)[0]
			if first { // tap a wrong answer, submit with Enter
				wrong := (right + 1) % len(it.Order)
				test.Tap(q.rows[wrong])
				if !strings.HasPrefix(q.rows[wrong].label.Text, "● ") {
					t.Fatalf("tapped row not marked: %q", q.rows[wrong].label.Text)
				}
				pressEnter(c)
				if !q.verdict.Visible() || !strings.HasPrefix(q.verdict.Text, "✗ Not quite. The answer: ") {
					t.Fatalf("feedback after a wrong answer: %q", q.verdict.Text)
				}
				if !q.explain.Visible() || q.explain.Text != it.Question.Explanation {
					t.Fatalf("explanation not shown")
				}
				if !strings.HasPrefix(q.rows[right].label.Text, "✓ ") || !strings.HasPrefix(q.rows[wrong].label.Text, "✗ ") {
					t.Errorf("marks after answering: %q / %q", q.rows[right].label.Text, q.rows[wrong].label.Text)
				}
				test.Tap(q.rows[right]) // answered: taps do nothing
				if it.Correct {
					t.Fatal("a tap after answering changed the answer")
				}
			} else { // number key, Enter
				test.TypeOnCanvas(c, string(rune('1'+right)))
				pressEnter(c)
			}
		case lessons.KindMulti:
			pressEnter(c) // nothing chosen yet: a warning, not an attempt
			if it.Answered || !strings.Contains(q.verdict.Text, "Choose an answer first") {
				t.Fatalf("empty answer: answered=%v verdict %q", it.Answered, q.verdict.Text)
			}
			for _, pos := range correctPositions(it) {
				test.TypeOnCanvas(c, string(rune('1'+pos)))
			}
			test.Tap(q.submit)
		}
		if !it.Answered {
			t.Fatalf("question %d (%s) not answered", i+1, it.Question.ID)
		}
		if it.Correct == first {
			t.Fatalf("question %d (%s): correct=%v; verdict %q", i+1, it.Question.ID, it.Correct, q.verdict.Text)
		}
		if !first && q.verdict.Text != "✓ Correct." {
			t.Errorf("question %d verdict %q", i+1, q.verdict.Text)
		}
		pressEnter(c) // next
	}
	if q.question.Visible() || !q.result.Visible() {
		t.Fatal("the score is not shown at the end")
	}
	if q.score.Text != "Your score on this quiz: 10 of 11 (91%)." || q.retry.Disabled() {
		t.Fatalf("score %q, retry disabled %v", q.score.Text, q.retry.Disabled())
	}
	test.Tap(q.retry)
	if len(q.session.Items) != 1 || !q.session.Retry || !q.question.Visible() {
		t.Fatalf("retry session: %+v", q.session)
	}
	it := q.session.Items[0]
	test.TypeOnCanvas(c, string(rune('1'+correctPositions(it)[0])))
	pressEnter(c)
	pressEnter(c)
	if q.score.Text != "Your score on this retry: 1 of 1 (100%)." || !q.retry.Disabled() {
		t.Fatalf("retry score %q", q.score.Text)
	}

	re := lessons.OpenStore(st.store.Path())
	lp := re.Snapshot().Lessons["lesson8"]
	if lp == nil || lp.Best == nil || lp.Best.Correct != 10 || lp.Best.Total != 11 || lp.Last.Total != 1 || !lp.Last.Retry {
		t.Fatalf("saved progress: %+v", lp)
	}
	if qp := lp.Questions[q.session.Items[0].Question.ID]; qp == nil || qp.Attempts != 2 || qp.Correct != 1 {
		t.Fatalf("first question's history: %+v", qp)
	}
}

func TestQuizScreenWithoutMeasurements(t *testing.T) {
	a, _ := newLessonTestApp(t, lessons.Facts{}, "")
	q := newQuizScreen(a)
	showIn(a, q.buildUI())
	// gen-time and moe-vs-dense have fallbacks; the two memory questions and the guess are
	// skipped and the learner is told.
	if len(q.session.Items) != 8 || len(q.session.Skipped) != 3 {
		t.Fatalf("items %d skipped %d", len(q.session.Items), len(q.session.Skipped))
	}
	if !q.notes.Visible() || strings.Count(q.notes.Text, "not measured yet") != 3 {
		t.Fatalf("notes %q", q.notes.Text)
	}
	for _, it := range q.session.Items {
		if it.Live {
			t.Errorf("%s is marked live without measurements", it.Question.ID)
		}
	}
}

func TestNumericAnswerNotANumber(t *testing.T) {
	a, _ := newLessonTestApp(t, lessons.Facts{}, "")
	q := newQuizScreen(a)
	showIn(a, q.buildUI())
	for i, it := range q.session.Items {
		if it.Question.Kind == lessons.KindNumeric {
			q.idx = i
			q.showQuestion()
			break
		}
	}
	test.Type(q.entry, "lots")
	pressEnter(a.win.Canvas()) // the entry is focused: Enter reaches it through OnSubmitted
	q.entry.OnSubmitted(q.entry.Text)
	if q.item().Answered || !strings.Contains(q.verdict.Text, `"lots" is not a number`) {
		t.Fatalf("answered=%v verdict %q", q.item().Answered, q.verdict.Text)
	}
}

func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		switch w := obj.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.RichText:
			b.WriteString(w.String() + "\n")
		}
	}
	return b.String()
}

func TestLessonScreenRendersTableAndMachineLines(t *testing.T) {
	a, st := newLessonTestApp(t, lessons.Facts{AvailableRAMBytes: 8e9, TotalRAMBytes: 16e9, RAMSource: "fake probe"}, "")
	s := newLessonScreen(a)
	root := s.buildUI()
	showIn(a, root)
	text := allText(root)
	for _, want := range []string{"LLMs vs SLMs: scale, cost, latency", "~0.27 GB", "~140 GB", "a server with many GPUs",
		"On this machine: 8 GB of memory is available", "generation speed not measured yet", "Key terms", "does not exist yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("lesson screen lacks %q", want)
		}
	}
	if len(s.live) != 3 {
		t.Fatalf("live lines %d, want memory, speed and moe", len(s.live))
	}
	// The table's cells are separate labels, not Markdown text.
	var cells int
	for _, obj := range test.LaidOutObjects(root) {
		if l, ok := obj.(*widget.Label); ok && (l.Text == "~140 GB" || l.Text == "SLM (≈135M)") {
			cells++
		}
	}
	if cells != 2 {
		t.Errorf("table cells found: %d", cells)
	}

	// An instructor adds two lessons, one broken, and presses Reload.
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(st.lessonsDir, 0o700))
	must(os.WriteFile(filepath.Join(st.lessonsDir, "good.md"), []byte("---\nid: good\ntitle: Good one\nlevel: beginner\nread_time: 1\n---\nHello.\n"), 0o600))
	must(os.WriteFile(filepath.Join(st.lessonsDir, "bad.md"), []byte("no front matter"), 0o600))
	s.onReload()
	if len(s.picker.Options) != 2 || s.picker.Options[1] != "Good one (instructor)" {
		t.Fatalf("picker options %q", s.picker.Options)
	}
	if !s.alert.Visible() || !strings.Contains(s.alert.Text, "1 problems") {
		t.Fatalf("alert %q", s.alert.Text)
	}
	if !strings.Contains(allText(root), "bad.md: the file must start with a front matter") {
		t.Error("the broken file's error is not shown")
	}
	s.picker.SetSelectedIndex(1)
	if st.current != "good" || !strings.Contains(allText(root), "This lesson has no quiz.") {
		t.Errorf("picking the instructor lesson: current=%s", st.current)
	}
}

func TestProgressScreenWarnsAboutCorruptFile(t *testing.T) {
	a, st := newLessonTestApp(t, lessons.Facts{}, `{"version": 1, "lessons": {`)
	p := newProgressScreen(a)
	root := p.buildUI()
	showIn(a, root)
	if !p.warning.Visible() || !strings.Contains(p.warning.Text, "progress.json.corrupt-") {
		t.Fatalf("warning %q", p.warning.Text)
	}
	q := lessons.Question{ID: "bf16-memory", Kind: lessons.KindSingle, Choice: []lessons.Choice{{Text: "x", Correct: true}, {Text: "y"}}}
	if err := st.store.RecordAnswer("lesson8", q, lessons.Answer{Choices: []int{0}}, true, testTime); err != nil {
		t.Fatal(err)
	}
	st.progressChanged()
	text := allText(root)
	if !strings.Contains(text, "1 answers given") || !strings.Contains(text, "✓ right: x") {
		t.Errorf("progress overview:\n%s", text)
	}
}

var testTime = mustTime("2026-11-24T05:00:00Z")

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestProgressResetAsksFirst(t *testing.T) {
	a, st := newLessonTestApp(t, lessons.Facts{}, "")
	p := newProgressScreen(a)
	showIn(a, p.buildUI())
	q := lessons.Question{ID: "q", Kind: lessons.KindSingle, Choice: []lessons.Choice{{Text: "x", Correct: true}, {Text: "y"}}}
	if err := st.store.RecordAnswer("lesson8", q, lessons.Answer{Choices: []int{0}}, true, testTime); err != nil {
		t.Fatal(err)
	}
	tapDialogButton := func(label string) {
		t.Helper()
		top := a.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no confirmation dialog")
		}
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Text == label {
				test.Tap(b)
				return
			}
		}
		t.Fatalf("no %q button in the dialog", label)
	}
	p.onReset()
	tapDialogButton("No")
	if len(lessons.OpenStore(st.store.Path()).LessonIDs()) != 1 {
		t.Fatal("progress was reset although the learner said No")
	}
	p.onReset()
	tapDialogButton("Yes")
	if ids := lessons.OpenStore(st.store.Path()).LessonIDs(); len(ids) != 0 {
		t.Fatalf("after Yes: %v", ids)
	}
	if !strings.Contains(allText(p.list), "not started") {
		t.Error("the overview was not refreshed after the reset")
	}
}

func TestLessonRedrawsAfterANewLiveRun(t *testing.T) {
	facts := lessons.Facts{AvailableRAMBytes: 8e9, TotalRAMBytes: 16e9, RAMSource: "fake probe"}
	a, st := newLessonTestApp(t, facts, "")
	st.facts = func() lessons.Facts { return facts }
	s := newLessonScreen(a)
	root := s.buildUI()
	showIn(a, root)
	if text := allText(root); !strings.Contains(text, "generation speed not measured yet") {
		t.Fatal("precondition: no speed yet")
	}
	facts.GenTPS, facts.GenModel, facts.GenSource = 42.5, "SmolLM2-135M (twin, Q8_0)", "Live run"
	s.onShown()
	if text := allText(root); !strings.Contains(text, "42.5") {
		t.Errorf("after a Live run the lesson still says:\n%s", text)
	}
}
