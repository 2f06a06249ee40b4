package ui

import (
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// wrappedMarkdown is markdown as word-wrapped rich text, with the spaces between two inline
// segments moved to the start of the second. Fyne 2.7's word wrap breaks a segment into one
// character per line when it starts in the last few pixels of a row (fyne-io/fyne#3711 and
// #4303, fixed upstream in #6200 for 2.8, which the module proxy here does not serve): a
// lesson at 1024×640 showed "how" as "h", "o", "w" on three lines. Starting the segment with
// the space gives the wrap a place to break before its first word.
func wrappedMarkdown(md string) *widget.RichText {
	return wrappedSegments(parseMarkdown(md))
}

// listChunk is how many items of a long list share one rich text in markdownPieces.
const listChunk = 4

// markdownPieces is markdown as a column of word-wrapped rich texts: one per heading or
// paragraph, and a long list in runs of listChunk items (numbering carried on). Laying out
// one rich text re-wraps all of it: the lesson's 19-item list of key terms took 0.18 s at
// presenter sizes on a 1920×1080 screen, one turn of the UI loop; in pieces, each turn lays
// out one (turns.go).
func markdownPieces(md string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var block []widget.RichTextSegment // a paragraph: inline runs, then the one that ends it
	for _, seg := range parseMarkdown(md) {
		list, ok := seg.(*widget.ListSegment)
		if !ok || len(list.Items) <= listChunk+1 {
			block = append(block, seg)
			if !seg.Inline() {
				out = append(out, wrappedSegments(block))
				block = nil
			}
			continue
		}
		for i := 0; i < len(list.Items); i += listChunk {
			part := &widget.ListSegment{Items: list.Items[i:min(i+listChunk, len(list.Items))], Ordered: list.Ordered}
			part.SetStartNumber(list.StartNumber() + i)
			out = append(out, wrappedSegments([]widget.RichTextSegment{part}))
		}
	}
	if len(block) > 0 {
		out = append(out, wrappedSegments(block))
	}
	return out
}

// underscoreWord is a word joined by underscores: Q4_K_M, token_embd.
var underscoreWord = regexp.MustCompile(`[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+`)

// parseMarkdown is Fyne's markdown parser with one of its slips undone: the parser splits a
// word at each underscore and puts a space after every piece, so the lesson and the glossary
// said "Q4_ K_ M". Every underscore word of the source is written whole again, also when it
// straddles two segments of the same style (merged first).
func parseMarkdown(md string) []widget.RichTextSegment {
	segs := widget.NewRichTextFromMarkdown(md).Segments
	if !strings.Contains(md, "_") {
		return segs
	}
	words := underscoreWord.FindAllString(md, -1)
	var fix func(segs []widget.RichTextSegment) []widget.RichTextSegment
	fix = func(segs []widget.RichTextSegment) []widget.RichTextSegment {
		var out []widget.RichTextSegment
		for _, seg := range segs {
			switch s := seg.(type) {
			case *widget.TextSegment:
				if n := len(out); n > 0 {
					if prev, ok := out[n-1].(*widget.TextSegment); ok && prev.Inline() && sameLook(prev.Style, s.Style) {
						if strings.HasSuffix(prev.Text, "_ ") && strings.HasPrefix(s.Text, " ") {
							prev.Text = prev.Text[:len(prev.Text)-1] // the parser's space before the source's
						}
						prev.Text += s.Text
						prev.Style = s.Style // the last one may end the paragraph
						continue
					}
				}
			case *widget.ParagraphSegment:
				s.Texts = fix(s.Texts)
			case *widget.ListSegment:
				s.Items = fix(s.Items)
			}
			out = append(out, seg)
		}
		for _, seg := range out {
			if s, ok := seg.(*widget.TextSegment); ok {
				for _, w := range words {
					s.Text = strings.ReplaceAll(s.Text, strings.ReplaceAll(w, "_", "_ "), w)
				}
			}
		}
		return out
	}
	return fix(segs)
}

// sameLook reports whether two text styles differ at most in whether they end a paragraph.
func sameLook(a, b widget.RichTextStyle) bool {
	a.Inline = b.Inline
	return a == b
}

// wrappedSegments is a word-wrapped rich text of segs, spaces moved forward (above).
func wrappedSegments(segs []widget.RichTextSegment) *widget.RichText {
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	moveSpacesForward(rt.Segments)
	return rt
}

// moveSpacesForward moves each inline text segment's trailing spaces to the start of the
// inline text segment after it.
func moveSpacesForward(segs []widget.RichTextSegment) {
	for i := 0; i+1 < len(segs); i++ {
		a, ok1 := segs[i].(*widget.TextSegment)
		b, ok2 := segs[i+1].(*widget.TextSegment)
		if !ok1 || !ok2 || !a.Inline() || !b.Inline() {
			continue
		}
		trimmed := strings.TrimRight(a.Text, " ")
		if trimmed == a.Text || trimmed == "" {
			continue
		}
		b.Text = a.Text[len(trimmed):] + b.Text
		a.Text = trimmed
	}
}
