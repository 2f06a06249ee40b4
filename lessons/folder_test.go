package lessons

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func lessonFile(id, extra string) string {
	return "---\nid: " + id + "\ntitle: Lesson " + id + "\nlevel: beginner\nread_time: 5\n" + extra + "---\n# " + id + "\n\nSome text.\n"
}

func quizFile(lesson string) string {
	return "lesson: " + lesson + "\ntitle: Check\nquestions:\n  - id: q1\n    kind: single\n    prompt: p?\n    explanation: because\n" + okChoices
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o700))
		must(t, os.WriteFile(p, []byte(content), 0o600))
	}
}

func TestLoadDirOneBadTwoGood(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.md":              lessonFile("alpha", ""),
		"a.quiz.yaml":       quizFile("alpha"),
		"b.md":              lessonFile("beta", "quiz: quizzes/beta.json\n"),
		"quizzes/beta.json": `{"lesson":"beta","questions":[{"id":"n","kind":"numeric","prompt":"p","explanation":"e","answer":1,"unit":"GB"}]}`,
		"broken.md":         "---\nid: broken\ntitle: [unclosed\n---\n",
		"README.md":         "# notes for the instructor, not a lesson\n",
		"notes.txt":         "ignored",
	})
	ls, errs := LoadDir(dir)
	if len(ls) != 2 || ls[0].ID != "alpha" || ls[1].ID != "beta" {
		t.Fatalf("lessons = %v", ids(ls))
	}
	if ls[0].QuizSet == nil || ls[1].QuizSet == nil || ls[1].QuizSet.Questions[0].Kind != KindNumeric {
		t.Error("quizzes not attached")
	}
	if ls[0].Source != filepath.Join(dir, "a.md") {
		t.Errorf("source = %s", ls[0].Source)
	}
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one", errs)
	}
	var fe *FileError
	if !errors.As(errs[0], &fe) || fe.File != "broken.md" || !strings.HasPrefix(errs[0].Error(), "broken.md: front matter: line") {
		t.Errorf("error = %v", errs[0])
	}
}

func ids(ls []*Lesson) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

func TestLoadDirProblems(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		setup    func(t *testing.T, dir string)
		lessons  int
		errFile  string
		errWords string
	}{
		{"quiz path with ..", map[string]string{"a.md": lessonFile("a", "quiz: ../x.yaml\n")}, nil, 1, "a.md", "points outside the lessons folder"},
		{"quiz path absolute", map[string]string{"a.md": lessonFile("a", "quiz: /etc/passwd\n")}, nil, 1, "a.md", "is not allowed"},
		{"quiz path backslash", map[string]string{"a.md": lessonFile("a", `quiz: "..\\x.yaml"`+"\n")}, nil, 1, "a.md", "is not allowed"},
		{"quiz missing", map[string]string{"a.md": lessonFile("a", "quiz: nope.yaml\n")}, nil, 1, "a.md", "does not exist"},
		{"quiz for another lesson", map[string]string{"a.md": lessonFile("a", ""), "a.quiz.yaml": quizFile("b")}, nil, 1, "a.quiz.yaml", `belongs to a.md, whose id is "a"`},
		{"quiz invalid", map[string]string{"a.md": lessonFile("a", ""), "a.quiz.yml": "lesson: a\nquestions: []\n"}, nil, 1, "a.quiz.yml", "at least one question"},
		{"orphan quiz", map[string]string{"a.md": lessonFile("a", ""), "typo.quiz.yaml": quizFile("a")}, nil, 1, "typo.quiz.yaml", "no lesson uses this quiz file"},
		{"duplicate id", map[string]string{"a.md": lessonFile("same", ""), "b.md": lessonFile("same", "")}, nil, 1, "b.md", "already used by a.md"},
		{"too big", map[string]string{"a.md": lessonFile("a", "") + strings.Repeat("x", maxFileSize)}, nil, 0, "a.md", "at most"},
		{"symlink leaving the folder", map[string]string{"a.md": lessonFile("a", "quiz: q.yaml\n")}, func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "q.yaml")
			must(t, os.WriteFile(outside, []byte(quizFile("a")), 0o600))
			symlinkOrSkip(t, outside, filepath.Join(dir, "q.yaml"))
		}, 1, "a.md", "refused"},
		{"lesson symlinked from outside", map[string]string{"a.md": lessonFile("a", "")}, func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "secret.md")
			must(t, os.WriteFile(outside, []byte(lessonFile("secret", "")), 0o600))
			symlinkOrSkip(t, outside, filepath.Join(dir, "s.md"))
		}, 1, "s.md", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			ls, errs := LoadDir(dir)
			if len(ls) != tt.lessons {
				t.Errorf("lessons = %v, want %d", ids(ls), tt.lessons)
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", errs)
			}
			var fe *FileError
			if !errors.As(errs[0], &fe) || fe.File != tt.errFile || !strings.Contains(errs[0].Error(), tt.errWords) {
				t.Fatalf("error = %v, want file %s and %q", errs[0], tt.errFile, tt.errWords)
			}
		})
	}
}

func symlinkOrSkip(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		if runtime.GOOS == "windows" {
			t.Skip("symlinks need extra rights on Windows")
		}
		t.Fatal(err)
	}
}

func TestLoadCatalog(t *testing.T) {
	missing := LoadCatalog(filepath.Join(t.TempDir(), "nope"))
	if !missing.DirMissing || len(missing.Errors) != 0 || missing.Lesson("lesson8") == nil {
		t.Fatalf("missing folder: %+v", missing)
	}
	if _, errs := LoadDir(missing.Dir); len(errs) != 1 || !errors.Is(errs[0], fs.ErrNotExist) {
		t.Fatalf("LoadDir on a missing folder: %v", errs)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"x.md": lessonFile("lesson8", ""), "y.md": lessonFile("extra", "")})
	c := LoadCatalog(dir)
	if len(c.Errors) != 1 || !strings.Contains(c.Errors[0].Error(), "x.md: id \"lesson8\" is a built-in") {
		t.Fatalf("errors %v", c.Errors)
	}
	if c.Lesson("extra") == nil || c.Lesson("lesson8").Source != "built-in" {
		t.Fatalf("lessons %v", ids(c.Lessons))
	}
}
