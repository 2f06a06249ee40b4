package lessons

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/internal/safefile"
)

// TestBadInstructorFolder: every kind of broken lesson folder entry is named with its
// problem, the good lesson still loads, nothing outside the folder is read, and loading
// ends (a named pipe must not block it).
func TestBadInstructorFolder(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "secret.md"), []byte(lessonFile("secret", "")), 0o600))
	must(t, os.WriteFile(filepath.Join(outside, "pic.png"), []byte("png"), 0o600))
	var many strings.Builder
	many.WriteString("lesson: many\ntitle: Many\nquestions:\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&many, "- {id: q%d, kind: single, prompt: p, explanation: e, choices: [{text: a, correct: true}, {text: b}]}\n", i)
	}
	writeFiles(t, dir, map[string]string{
		"good.md":           lessonFile("good", ""),
		"latin1.md":         strings.Replace(lessonFile("latin1", ""), "Some text.", "caf\xe9", 1),
		"many.md":           lessonFile("many", ""),
		"many.quiz.yaml":    many.String(),
		"builtin.md":        lessonFile("lesson8", ""),
		"img.md":            lessonFile("img", "") + "![a](../" + filepath.Base(outside) + "/pic.png)\n",
		"imgabs.md":         lessonFile("imgabs", "") + "![a](" + filepath.ToSlash(filepath.Join(outside, "pic.png")) + ")\n",
		"badquiz.md":        lessonFile("badquiz", ""),
		"badquiz.quiz.yaml": "lesson: badquiz\nquestions: [\xff\xfe]\n",
	})
	big, err := os.Create(filepath.Join(dir, "huge.md"))
	must(t, err)
	must(t, big.Truncate(100<<20)) // a 100 MB lesson (sparse: nothing to read unless refused late)
	big.Close()
	os.Symlink(filepath.Join(outside, "secret.md"), filepath.Join(dir, "escape.md"))
	os.Symlink(filepath.Join(outside, "pic.png"), filepath.Join(dir, "pic.png"))
	must(t, os.WriteFile(filepath.Join(dir, "imglink.md"), []byte(lessonFile("imglink", "")+"![a](pic.png)\n"), 0o600))
	want := map[string]string{
		"latin1.md":         "not UTF-8",
		"many.quiz.yaml":    "10000 questions",
		"builtin.md":        "built-in",
		"img.md":            "outside the lessons folder",
		"imgabs.md":         "outside the lessons folder",
		"imglink.md":        "outside the lessons folder",
		"badquiz.quiz.yaml": "not UTF-8",
		"huge.md":           "at most",
		"escape.md":         "outside the lessons folder",
	}
	if safefile.MakeFIFO(filepath.Join(dir, "pipe.md")) == nil {
		want["pipe.md"] = "named pipe"
	}
	var c *Catalog
	start := time.Now()
	done := make(chan struct{})
	go func() { c = LoadCatalog(dir); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // a hang guard (a named pipe must not block), not a speed goal
		t.Fatal("loading the folder hung")
	}
	got := map[string]string{}
	for _, e := range c.Errors {
		name, _, _ := strings.Cut(e.Error(), ":")
		got[name] += e.Error()
	}
	for file, words := range want {
		if !strings.Contains(got[file], words) {
			t.Errorf("%s: got %q, want %q", file, got[file], words)
		}
	}
	if c.Lesson("good") == nil || c.Lesson("secret") != nil || c.Lesson("lesson8").Source != "built-in" {
		t.Fatalf("lessons: %v", ids(c.Lessons))
	}
	t.Logf("%d problems named in %s", len(c.Errors), time.Since(start))
}
