package lessons

import (
	"fmt"
	"regexp"
	"strings"
)

// BlockKind says what a Block holds.
type BlockKind int

// The kinds of lesson blocks.
const (
	// BlockMarkdown is ordinary Markdown text (paragraphs, headings, lists, code).
	BlockMarkdown BlockKind = iota
	// BlockTable is a Markdown pipe table, parsed into cells.
	BlockTable
	// BlockLive is an "on this machine" line, filled in from Facts when shown.
	BlockLive
)

// Block is one piece of a lesson body, in order. Fyne's Markdown renderer has no tables and
// knows nothing of this machine, so the body is split into the parts it can draw and the
// parts the UI draws itself.
type Block struct {
	Kind     BlockKind
	Markdown string // BlockMarkdown
	Table    *Table // BlockTable
	Live     string // BlockLive: the topic, one of LiveTopics
}

// Table is a Markdown pipe table: a header row, alignment, and body rows of the same width.
type Table struct {
	Header []string
	Align  []Align
	Rows   [][]string
}

// Align is a table column's alignment from its separator row (":--", ":-:", "--:").
type Align int

// Column alignments.
const (
	AlignDefault Align = iota
	AlignLeft
	AlignCenter
	AlignRight
)

// liveMarker is how a lesson asks for an "on this machine" line: a line of its own such as
// {{on-this-machine memory}}.
const liveMarkerOpen, liveMarkerClose = "{{on-this-machine ", "}}"

// ParseBlocks splits a lesson body into Markdown, table and live blocks. Tables and markers
// inside fenced code blocks are left as text. A malformed table or unknown live topic is an
// error naming the line.
func ParseBlocks(body string) ([]Block, error) {
	lines := strings.Split(body, "\n")
	var out []Block
	var text []string
	flush := func() {
		t := strings.Trim(strings.Join(text, "\n"), "\n")
		if strings.TrimSpace(t) != "" {
			out = append(out, Block{Kind: BlockMarkdown, Markdown: t})
		}
		text = text[:0]
	}
	inFence := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			inFence = !inFence
			text = append(text, line)
			continue
		}
		if inFence {
			text = append(text, line)
			continue
		}
		if strings.HasPrefix(trim, liveMarkerOpen) && strings.HasSuffix(trim, liveMarkerClose) {
			topic := strings.TrimSpace(trim[len(liveMarkerOpen) : len(trim)-len(liveMarkerClose)])
			if !contains(LiveTopics, topic) {
				return nil, fmt.Errorf("line %d: unknown on-this-machine topic %q (known: %s)", i+1, topic, strings.Join(LiveTopics, ", "))
			}
			flush()
			out = append(out, Block{Kind: BlockLive, Live: topic})
			continue
		}
		if strings.HasPrefix(trim, "{{") {
			return nil, fmt.Errorf("line %d: %q is not a known marker; write {{on-this-machine TOPIC}} with TOPIC one of %s", i+1, trim, strings.Join(LiveTopics, ", "))
		}
		if isTableRow(trim) && i+1 < len(lines) && isSeparatorRow(strings.TrimSpace(lines[i+1])) {
			t, n, err := parseTable(lines[i:], i+1)
			if err != nil {
				return nil, err
			}
			flush()
			out = append(out, Block{Kind: BlockTable, Table: t})
			i += n - 1
			continue
		}
		text = append(text, line)
	}
	if inFence {
		return nil, fmt.Errorf("a fenced code block (```) is not closed")
	}
	flush()
	return out, nil
}

func isTableRow(s string) bool { return strings.HasPrefix(s, "|") && len(s) > 1 }

func isSeparatorRow(s string) bool {
	if !strings.HasPrefix(s, "|") {
		return false
	}
	for _, c := range splitRow(s) {
		c = strings.TrimSpace(c)
		core := strings.Trim(c, ":")
		if core == "" || strings.Trim(core, "-") != "" {
			return false
		}
	}
	return true
}

// splitRow splits "| a | b \| c |" into cells, honouring escaped pipes.
func splitRow(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if s[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(s[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// parseTable reads a header, a separator and the body rows that follow; it returns the table
// and how many lines it used. first is the header's 1-based line number, for errors.
func parseTable(lines []string, first int) (*Table, int, error) {
	t := &Table{Header: splitRow(lines[0])}
	seps := splitRow(lines[1])
	if len(seps) != len(t.Header) {
		return nil, 0, fmt.Errorf("line %d: table separator has %d columns but the header has %d", first+1, len(seps), len(t.Header))
	}
	for _, c := range seps {
		c = strings.TrimSpace(c)
		switch {
		case strings.HasPrefix(c, ":") && strings.HasSuffix(c, ":"):
			t.Align = append(t.Align, AlignCenter)
		case strings.HasPrefix(c, ":"):
			t.Align = append(t.Align, AlignLeft)
		case strings.HasSuffix(c, ":"):
			t.Align = append(t.Align, AlignRight)
		default:
			t.Align = append(t.Align, AlignDefault)
		}
	}
	n := 2
	for ; n < len(lines); n++ {
		row := strings.TrimSpace(lines[n])
		if !isTableRow(row) {
			break
		}
		cells := splitRow(row)
		if len(cells) != len(t.Header) {
			return nil, 0, fmt.Errorf("line %d: table row has %d cells but the header has %d", first+n, len(cells), len(t.Header))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t, n, nil
}

// Reflow joins the lines of each paragraph, list item and quote into one line, so that a
// renderer which treats every newline as a line break (Fyne's does) lets the text wrap to its
// width instead. Headings, list markers, quotes, tables and fenced code keep their lines.
func Reflow(md string) string {
	lines := strings.Split(md, "\n")
	var out []string
	inFence := false
	joinable := false // the previous output line is prose that a continuation may join
	prevQuote := false
	for _, line := range lines {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			inFence = !inFence
			out = append(out, line)
			joinable = false
			continue
		}
		if inFence {
			out = append(out, line)
			continue
		}
		isQuote := strings.HasPrefix(trim, ">")
		switch {
		case trim == "":
			joinable = false
			out = append(out, line)
		case isQuote && joinable && prevQuote:
			out[len(out)-1] += " " + strings.TrimSpace(strings.TrimPrefix(trim, ">"))
		case !isQuote && joinable && !prevQuote && !startsBlock(trim):
			out[len(out)-1] += " " + trim
		default:
			out = append(out, line)
			joinable = !strings.HasPrefix(trim, "#") && !strings.HasPrefix(trim, "|") && !isRule(trim)
			prevQuote = isQuote
		}
	}
	return strings.Join(out, "\n")
}

var orderedItemRE = regexp.MustCompile(`^\d+[.)]\s`)

// startsBlock says whether a line begins a new Markdown block rather than continuing prose.
func startsBlock(trim string) bool {
	switch {
	case strings.HasPrefix(trim, "#"), strings.HasPrefix(trim, "|"), strings.HasPrefix(trim, ">"):
		return true
	case strings.HasPrefix(trim, "- "), strings.HasPrefix(trim, "* "), strings.HasPrefix(trim, "+ "):
		return true
	case isRule(trim):
		return true
	}
	return orderedItemRE.MatchString(trim)
}

func isRule(trim string) bool { return trim == "---" || trim == "***" || trim == "___" }
