package ui

import (
	"testing"

	"fyne.io/fyne/v2/widget"
)

func TestMoveSpacesForward(t *testing.T) {
	tests := []struct {
		name, md string
		want     []string
	}{
		{"before bold", "separates them: **how many** of them.", []string{"separates them:", " how many", " of them.", ""}},
		{"after bold: nothing to move", "**how many** of them", []string{"how many", " of them", ""}},
		{"the parser's own space", "a**b**c", []string{"a", " b", "c", ""}},
		{"plain paragraph", "just text", []string{"just text", ""}},
	}
	for _, tc := range tests {
		rt := wrappedMarkdown(tc.md)
		var got []string
		for _, s := range rt.Segments {
			if ts, ok := s.(*widget.TextSegment); ok {
				got = append(got, ts.Text)
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: segments %q, want %q", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: segments %q, want %q", tc.name, got, tc.want)
				break
			}
		}
	}
}
