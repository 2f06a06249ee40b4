package lessons

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
)

func builtinLesson8(t *testing.T) *Lesson {
	t.Helper()
	ls, errs := Builtin()
	if len(errs) > 0 {
		t.Fatalf("built-in lessons have errors: %v", errs)
	}
	for _, l := range ls {
		if l.ID == "lesson8" {
			return l
		}
	}
	t.Fatal("lesson8 is not built in")
	return nil
}

func TestBuiltinLesson8(t *testing.T) {
	l := builtinLesson8(t)
	if l.Title != "LLMs vs SLMs: scale, cost, latency" || l.Level != "beginner" || l.ReadTime != 9 || l.Number != 8 {
		t.Errorf("front matter = %+v", l.FrontMatter)
	}
	if len(l.KeyTerms) != 6 {
		t.Errorf("key terms = %d, want 6", len(l.KeyTerms))
	}
	var tables, live int
	for _, b := range l.Blocks {
		switch b.Kind {
		case BlockTable:
			tables++
			if len(b.Table.Header) != 3 || len(b.Table.Rows) != 4 {
				t.Errorf("comparison table is %dx%d, want 3 columns and 4 rows", len(b.Table.Header), len(b.Table.Rows))
			}
			if b.Table.Rows[0][1] != "~0.27 GB" || b.Table.Rows[0][2] != "~140 GB" {
				t.Errorf("memory row = %q", b.Table.Rows[0])
			}
		case BlockLive:
			live++
		}
	}
	if tables != 1 || live != 3 {
		t.Errorf("tables=%d live=%d, want 1 and 3 (memory, speed, moe)", tables, live)
	}
	q := l.QuizSet
	if q == nil {
		t.Fatal("lesson8 has no quiz")
	}
	var fixed, liveQ int
	for _, qq := range q.Questions {
		if qq.Kind == KindLive {
			liveQ++
		} else {
			fixed++
		}
	}
	if fixed < 4 || liveQ < 2 {
		t.Errorf("quiz has %d fixed and %d live questions, want ≥4 and ≥2", fixed, liveQ)
	}
}

var wordRE = regexp.MustCompile(`[a-z0-9']+`)

func words(s string) []string {
	return wordRE.FindAllString(strings.ReplaceAll(strings.ToLower(s), "’", "'"), -1)
}

func eightGrams(s string) []string {
	w := words(s)
	var out []string
	for i := 0; i+8 <= len(w); i++ {
		out = append(out, strings.Join(w[i:i+8], " "))
	}
	return out
}

func hash8(g string) string {
	h := sha256.Sum256([]byte(g))
	return hex.EncodeToString(h[:8])
}

// TestLessonNotCopied checks that no run of 8 words of the lesson's source appears in the
// lesson or its quiz. The source's 8-word runs are stored hashed in testdata, so the source
// text itself is not in the repository.
func TestLessonNotCopied(t *testing.T) {
	f, err := os.Open("testdata/seed-8grams.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			seed[line] = true
		}
	}
	if len(seed) < 500 {
		t.Fatalf("only %d source hashes loaded", len(seed))
	}
	// The source opens with its track line and title; that run must be recognised.
	if !seed[hash8("track 0 foundations lesson 8 llms vs slms")] {
		t.Fatal("hashing does not match testdata: the check below would be meaningless")
	}
	for _, name := range []string{"content/lesson8.md", "content/lesson8.quiz.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range eightGrams(string(data)) {
			if seed[hash8(g)] {
				t.Errorf("%s copies the source: %q", name, g)
			}
		}
	}
}

func TestParseLessonInvalid(t *testing.T) {
	good := "id: x1\ntitle: T\nlevel: beginner\nread_time: 3\n"
	tests := []parseErrorCase{
		{"no front matter", "# Title\ntext\n", "must start with a front matter"},
		{"not closed", "---\n" + good + "body\n", "not closed"},
		{"empty", "---\n---\nbody\n", "front matter is empty"},
		{"unknown field", "---\n" + good + "colour: red\n---\n", "field colour not found"},
		{"bad yaml", "---\nid: [x\n---\n", "front matter"},
		{"missing id", "---\ntitle: T\nlevel: beginner\nread_time: 3\n---\n", "id is missing"},
		{"bad id", "---\nid: Lesson 8\ntitle: T\nlevel: beginner\nread_time: 3\n---\n", "lower-case"},
		{"missing title", "---\nid: x\nlevel: beginner\nread_time: 3\n---\n", "title is missing"},
		{"bad level", "---\nid: x\ntitle: T\nlevel: expert\nread_time: 3\n---\n", `level "expert"`},
		{"no read time", "---\nid: x\ntitle: T\nlevel: beginner\n---\n", "read_time"},
		{"read time text", "---\nid: x\ntitle: T\nlevel: beginner\nread_time: soon\n---\n", "line 5: cannot unmarshal"},
		{"key term without meaning", "---\n" + good + "key_terms:\n  - term: VRAM\n---\n", "key_terms item 1"},
		{"empty prerequisite", "---\n" + good + "prerequisites: ['']\n---\n", "prerequisites item 1"},
		{"unknown topic", "---\n" + good + "---\ntext\n{{on-this-machine gpu}}\n", `unknown on-this-machine topic "gpu"`},
		{"unknown marker", "---\n" + good + "---\n{{ram}}\n", "not a known marker"},
		{"table row too short", "---\n" + good + "---\n| a | b |\n|---|---|\n| 1 |\n", "row has 1 cells"},
		{"table separator", "---\n" + good + "---\n| a | b |\n|---|---|---|\n", "separator has 3 columns but the header has 2"},
		{"open fence", "---\n" + good + "---\n```\ncode\n", "not closed"},
	}
	checkParseErrors(t, tests, func(data []byte) error {
		_, err := ParseLesson(data)
		return err
	})
}

// parseErrorCase is a file a parser must refuse, and what its error must mention.
type parseErrorCase struct{ name, file, want string }

// checkParseErrors runs parse on each case's file as a subtest and fails unless it returns an
// error that mentions the case's want.
func checkParseErrors(t *testing.T, tests []parseErrorCase, parse func([]byte) error) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := parse([]byte(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseLessonValid(t *testing.T) {
	file := "\xef\xbb\xbf---\r\nid: demo\r\ntrack: T1\r\nnumber: 2\r\ntitle: Demo\r\nlevel: advanced\r\nread_time: 4\r\n" +
		"prerequisites: [Intro]\r\nkey_terms:\r\n  - term: A\r\n    meaning: B\r\n---\r\n" +
		"# Hi\r\n\r\n| x | y \\| z |\r\n|:--|--:|\r\n| 1 | 2 |\r\n\r\n{{on-this-machine speed}}\r\n```\r\n| not | a table |\r\n|---|---|\r\n{{on-this-machine nothing}}\r\n```\r\n"
	l, err := ParseLesson([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "demo" || l.Number != 2 || l.Prerequisites[0] != "Intro" || l.KeyTerms[0].Meaning != "B" {
		t.Errorf("front matter = %+v", l.FrontMatter)
	}
	kinds := []BlockKind{}
	for _, b := range l.Blocks {
		kinds = append(kinds, b.Kind)
	}
	want := []BlockKind{BlockMarkdown, BlockTable, BlockLive, BlockMarkdown}
	if len(kinds) != len(want) {
		t.Fatalf("blocks = %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("blocks = %v, want %v", kinds, want)
		}
	}
	tb := l.Blocks[1].Table
	if tb.Header[1] != "y | z" || tb.Align[0] != AlignLeft || tb.Align[1] != AlignRight || tb.Rows[0][1] != "2" {
		t.Errorf("table = %+v", tb)
	}
}

func TestReflow(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one\ntwo\n\nthree", "one two\n\nthree"},
		{"# Head\ntext\nmore", "# Head\ntext more"},
		{"- item\n  continued\n- next", "- item continued\n- next"},
		{"1. first\n2. second\n   wraps", "1. first\n2. second wraps"},
		{"> quote\n> goes on\n\nafter", "> quote goes on\n\nafter"},
		{"para\n> quote", "para\n> quote"},
		{"```\ncode\nlines\n```\nx\ny", "```\ncode\nlines\n```\nx y"},
		{"text\n---\nmore", "text\n---\nmore"},
	}
	for _, tt := range tests {
		if got := Reflow(tt.in); got != tt.want {
			t.Errorf("Reflow(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
