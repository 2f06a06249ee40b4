package ui

import (
	"strings"
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

func TestParseMarkdownKeepsUnderscoreWords(t *testing.T) {
	tests := []struct{ md, want string }{
		{"- **Quantization names (F16, Q8_0, Q4_K_M…)**: F16 and Q8_0: 8 bits; Q4_K_M is it.",
			"•  Quantization names (F16, Q8_0, Q4_K_M…): F16 and Q8_0: 8 bits; Q4_K_M is it."},
		{"the token_embd and output tensors", "the token_embd and output tensors"},
		{"a snake_ case left as written", "a snake_ case left as written"},
	}
	for _, tc := range tests {
		if got := strings.TrimSpace(segmentsText(parseMarkdown(tc.md))); got != tc.want {
			t.Errorf("%q reads %q, want %q", tc.md, got, tc.want)
		}
	}
}

// segmentsText is the text the segments show, list bullets included.
func segmentsText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, seg := range segs {
		switch s := seg.(type) {
		case *widget.TextSegment:
			b.WriteString(s.Text)
		case *widget.ParagraphSegment:
			b.WriteString(segmentsText(s.Texts))
		case *widget.ListSegment:
			b.WriteString(segmentsText(s.Segments()))
		}
	}
	return b.String()
}
