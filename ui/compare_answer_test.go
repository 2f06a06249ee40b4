package ui

import (
	"strings"
	"testing"

	"slmscope/engine"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// answerOnScreen builds Compare with the fixture calibration in a's window at size, in
// presenter mode or not.
func answerOnScreen(t *testing.T, presenter bool, size fyne.Size) (*App, *compareScreen) {
	t.Helper()
	a, s := compareFor(t, &fakeCompare{cal: fixtureCalibration(t)})
	showIn(a, s.view)
	if presenter {
		a.setPresenter(true)
	}
	a.win.Resize(size)
	if len(s.answer.items) == 0 {
		t.Fatal("the answer lists no model")
	}
	return a, s
}

// The answer lists every catalog model once, by verdict, with its full name and figures.
func TestCompareAnswerListsEveryModel(t *testing.T) {
	_, s := answerOnScreen(t, false, goldenSize)
	if s.tabs.SelectedIndex() != tabAnswer {
		t.Errorf("Compare opened on tab %d, want the answer", s.tabs.SelectedIndex())
	}
	want := len(engine.CatalogModels())
	if len(s.answer.items) != want {
		t.Errorf("%d models in the answer, want the catalog's %d", len(s.answer.items), want)
	}
	var headings []string
	for _, o := range s.answer.box.Objects {
		if l, ok := o.(*widget.Label); ok {
			headings = append(headings, l.Text)
		}
	}
	if len(headings) == 0 || headings[0] != engine.GroupWell.Title() {
		t.Errorf("headings %q, want %q first", headings, engine.GroupWell.Title())
	}
	for i, p := range s.answer.items {
		r := s.answer.rows[i]
		if got := r.cells[ansName].Text; got != p.Name {
			t.Errorf("row %d names %q, want %q", i, got, p.Name)
		}
		// The name's column is as wide as the name: never cut.
		if w, need := r.cells[ansName].Size().Width, r.cells[ansName].MinSize().Width; w < need {
			t.Errorf("%s: name column %v px, the name needs %v", p.Name, w, need)
		}
		if !strings.HasSuffix(r.cells[ansSpeed].Text, "tok/s") {
			t.Errorf("%s: speed %q", p.Name, r.cells[ansSpeed].Text)
		}
		if b := r.cells[ansSource].Text; !strings.HasPrefix(b, "●") && !strings.HasPrefix(b, "○ ±") {
			t.Errorf("%s: source %q, want ● measured or ○ ± band", p.Name, b)
		}
	}
}

// Up and Down move between models, Enter opens the detail under the model, Escape closes
// it, and F11 still reaches the window: all typed through the canvas.
func TestCompareAnswerKeyboard(t *testing.T) {
	a, s := answerOnScreen(t, false, goldenSize)
	c := a.win.Canvas()
	c.Focus(s.answer)
	v := s.answer
	if c.Focused() != v || v.cursor != 0 {
		t.Fatalf("focus %v, cursor %d: want the answer, on its first model", c.Focused(), v.cursor)
	}
	pressKey(c, fyne.KeyDown)
	pressKey(c, fyne.KeyDown)
	if v.cursor != 2 || v.open != -1 {
		t.Fatalf("after Down Down: cursor %d open %d, want 2 and none", v.cursor, v.open)
	}
	pressKey(c, fyne.KeyReturn)
	p := v.items[2]
	if v.open != 2 || !v.detail.Visible() || !strings.HasPrefix(v.detail.Text, p.Name+" "+engine.AnswerQuant(p)) {
		t.Fatalf("Enter: open %d, detail %q, want %s's", v.open, v.detail.Text, p.Name)
	}
	for _, want := range []string{"Memory ", "weights", "KV cache", p.FitVerdict.Sentence, p.Basis} {
		if !strings.Contains(v.detail.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, v.detail.Text)
		}
	}
	if at := indexIn(v.box.Objects, v.detail); at < 0 || v.box.Objects[at-1] != v.rows[2] {
		t.Error("the detail is not right under its model")
	}
	pressKey(c, fyne.KeyDown) // an open detail follows the cursor
	if v.open != 3 || !strings.HasPrefix(v.detail.Text, v.items[3].Name) {
		t.Errorf("Down with the detail open: open %d, detail %q", v.open, firstLine(v.detail.Text))
	}
	for range len(v.items) + 2 {
		pressKey(c, fyne.KeyUp)
	}
	if v.cursor != 0 {
		t.Errorf("Up past the top: cursor %d", v.cursor)
	}
	pressKey(c, fyne.KeyEscape)
	if v.open != -1 || indexIn(v.box.Objects, v.detail) >= 0 {
		t.Error("Escape did not close the detail")
	}
	for range len(v.items) + 2 {
		pressKey(c, fyne.KeyDown)
	}
	if v.cursor != len(v.items)-1 {
		t.Errorf("Down past the end: cursor %d of %d", v.cursor, len(v.items))
	}
	// The last row is scrolled into view.
	last := v.rows[v.cursor]
	if bottom := last.Position().Y + last.Size().Height; bottom > v.scroll.Offset.Y+v.scroll.Size().Height+1 {
		t.Errorf("the cursor's row ends at %v, below the view (%v + %v)", bottom, v.scroll.Offset.Y, v.scroll.Size().Height)
	}
	pressKey(c, fyne.KeyF11)
	if !a.lookState().presenter {
		t.Error("F11 on the answer did not reach the window")
	}
}

// A tap on a model opens its detail and gives the list the keyboard.
func TestCompareAnswerTap(t *testing.T) {
	a, s := answerOnScreen(t, false, goldenSize)
	v := s.answer
	test.Tap(v.rows[1])
	if v.open != 1 || a.win.Canvas().Focused() != v {
		t.Fatalf("tap: open %d, focus %v", v.open, a.win.Canvas().Focused())
	}
	test.Tap(v.rows[1])
	if v.open != -1 {
		t.Error("a second tap did not close the detail")
	}
}

// Compare opens on the answer even when the table was on show last.
func TestCompareOpensOnTheAnswer(t *testing.T) {
	a, s := compareFor(t, &fakeCompare{})
	for _, e := range a.screens {
		switch e.id {
		case screenCompare:
			e.view = s.view
		case screenHardware:
			e.view = widget.NewLabel("hardware")
		}
	}
	a.showScreen(screenCompare)
	s.tabs.SelectIndex(tabTable)
	a.showScreen(screenHardware)
	a.showScreen(screenCompare)
	if s.tabs.SelectedIndex() != tabAnswer {
		t.Errorf("Compare shown again on tab %d, want the answer", s.tabs.SelectedIndex())
	}
	if a.win.Canvas().Focused() != s.answer {
		t.Error("the answer does not have the keyboard")
	}
}

// Presenter mode at 1024×640: at least six models on show with their full names, with no
// scrolling, and the controls below the answer.
func TestCompareAnswerPresenterFits(t *testing.T) {
	_, s := answerOnScreen(t, true, goldenSize)
	v := s.answer
	shown := 0
	for i := range v.items {
		r := v.rows[i]
		if r.Position().Y+r.Size().Height <= v.scroll.Size().Height {
			shown++
		}
		if w, need := r.cells[ansName].Size().Width, r.cells[ansName].MinSize().Width; w < need {
			t.Errorf("%s: name column %v px, the name needs %v", v.items[i].Name, w, need)
		}
	}
	if shown < 6 {
		t.Errorf("%d models on show in presenter mode at 1024×640, want ≥ 6", shown)
	}
	if w := v.box.MinSize().Width; w > v.scroll.Size().Width {
		t.Errorf("the rows need %v px, the view has %v: it scrolls sideways", w, v.scroll.Size().Width)
	}
	tabsAt := s.tabs.Position().Y
	if tb := s.toolbar.Position().Y; tb < tabsAt || !s.toolbar.Visible() {
		t.Errorf("toolbar at y=%v, tabs at %v: controls should come after the answer", tb, tabsAt)
	}
}

func indexIn(objs []fyne.CanvasObject, o fyne.CanvasObject) int {
	for i, x := range objs {
		if x == o {
			return i
		}
	}
	return -1
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// Export and Open in browser are one tap away, in the toolbar's Report menu.
func TestCompareReportMenu(t *testing.T) {
	a, s := answerOnScreen(t, false, goldenSize)
	test.Tap(s.reportBtn)
	menu := a.win.Canvas().Overlays().Top()
	if menu == nil {
		t.Fatal("Report opened nothing")
	}
	var items []string
	for _, o := range test.LaidOutObjects(menu) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
			items = append(items, tx.Text)
		}
	}
	if got := strings.Join(items, "|"); !strings.Contains(got, "Export report…") || !strings.Contains(got, "Open in browser") {
		t.Errorf("Report menu shows %q", items)
	}
}

// The answer's columns are as wide from its first batch of rows as when every row is on show,
// in normal and in presenter mode: the rows still to come were measured from their texts.
func TestCompareAnswerColumnsHoldDuringTheReveal(t *testing.T) {
	for _, presenter := range []bool{false, true} {
		fa := newTestApp(t)
		a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
		t.Cleanup(a.session.Close)
		if presenter {
			a.setPresenter(true)
		}
		var q turnQueue
		q.install(a)
		s := newCompareScreenWith(a, (&fakeCompare{cal: fixtureCalibration(t)}).source(), func(job func()) { job() })
		t.Cleanup(s.stop)
		v := s.answer
		if len(v.box.Objects) >= len(v.items) {
			t.Fatalf("presenter %v: %d of %d rows on show at once: no reveal to watch", presenter, len(v.box.Objects), len(v.items))
		}
		first := v.columnWidths()
		if n := q.all(); n == 0 {
			t.Fatalf("presenter %v: the reveal took no later turn", presenter)
		}
		if v.planned != ([answerCols]float32{}) {
			t.Errorf("presenter %v: planned widths %v kept after the reveal", presenter, v.planned)
		}
		last := v.columnWidths()
		for i := range first {
			if d := first[i] - last[i]; d < -0.01 || d > 0.01 {
				t.Errorf("presenter %v: column %d was %v px wide in the first batch, %v with every row", presenter, i, first[i], last[i])
			}
		}
	}
}
