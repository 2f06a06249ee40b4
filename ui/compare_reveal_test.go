package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The table's first fill, and its refill after a theme change, put a few rows on screen per
// turn of the UI loop, and end with every row.
func TestCompareRevealsRowsInTurns(t *testing.T) {
	fa := newTestApp(t)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	var q turnQueue
	q.install(a)
	s := newCompareScreenWith(a, (&fakeCompare{cal: fixtureCalibration(t)}).source(), func(job func()) { job() })
	t.Cleanup(s.stop)
	if len(s.rows) <= 2*revealStep {
		t.Fatalf("%d rows: too few to see them come in turns", len(s.rows))
	}
	for _, phase := range []string{"first fill", "theme change"} {
		if phase == "theme change" {
			a.setTextScale(1.5)
			if rows, _ := s.table.Length(); rows != 0 {
				t.Errorf("%s: the table kept %d rows while the theme changed", phase, rows)
			}
			if !q.next() { // the first turn starts the reveal
				t.Fatalf("%s: nothing was left for later turns", phase)
			}
		}
		if rows, _ := s.table.Length(); rows > revealStep {
			t.Errorf("%s: %d rows on screen at once, want at most %d", phase, rows, revealStep)
		}
		n := q.all()
		if rows, _ := s.table.Length(); rows != len(s.rows) {
			t.Fatalf("%s: after %d turns the table shows %d of %d rows", phase, n, rows, len(s.rows))
		}
		if want := (len(s.rows)+revealStep-1)/revealStep - 1; n < want {
			t.Errorf("%s: the rows came in %d turns, want %d", phase, n, want)
		}
	}
}

// cutToWidth keeps a text that fits and cuts one that does not to the longest start that
// fits before "…".
func TestCutToWidth(t *testing.T) {
	newTestApp(t)
	style := fyne.TextStyle{}
	width := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), style).Width }
	long := "Memory (KV cache at 4096 tokens)"
	tests := []struct {
		text  string
		width float32
		want  string
	}{
		{"433 MB", 200, "433 MB"},
		{long, width(long), long},
		{long, width("Memory (KV…"), "Memory (KV…"},
		{long, width("Memory (KV…") - 1, "Memory (K…"},
		{long, 1, "…"},
	}
	for _, tc := range tests {
		if got := cutToWidth(tc.text, tc.width, style); got != tc.want {
			t.Errorf("cutToWidth(%q, %v) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}
