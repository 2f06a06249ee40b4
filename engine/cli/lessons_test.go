package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLessonsCheck(t *testing.T) {
	good := t.TempDir()
	lesson := "---\nid: one\ntitle: One\nlevel: beginner\nread_time: 2\n---\nText.\n"
	if err := os.WriteFile(filepath.Join(good, "one.md"), []byte(lesson), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	for name, content := range map[string]string{"one.md": lesson, "two.md": "no front matter\n"} {
		if err := os.WriteFile(filepath.Join(bad, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir() // the default folder, under a config dir with no lessons
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv("AppData", home)
	tests := []cliCase{
		{"good folder", []string{"lessons", "check", good}, ExitOK, "ok    one  One (no quiz)", ""},
		{"bad folder", []string{"lessons", "check", bad}, ExitFail, "error two.md: the file must start with a front matter", "1 problems"},
		{"missing folder", []string{"lessons", "check", filepath.Join(good, "nope")}, ExitFail, "", "does not exist"},
		{"empty folder", []string{"lessons", "check", t.TempDir()}, ExitFail, "0 lessons", "no lessons"},
		{"default folder missing: the built-in lessons are checked", []string{"lessons", "check"}, ExitOK, "checking the built-in lessons", ""},
		{"two folders", []string{"lessons", "check", good, bad}, ExitUsage, "", "at most one folder"},
		{"bad flag", []string{"lessons", "check", "-x"}, ExitUsage, "", "flag provided but not defined"},
		{"no sub-command", []string{"lessons"}, ExitUsage, "", "usage: slmscope lessons check"},
		{"unknown sub-command", []string{"lessons", "lint"}, ExitUsage, "", `unknown sub-command "lint"`},
		{"path", []string{"lessons", "path"}, ExitOK, filepath.Join("slmscope", "lessons"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t) })
	}
}
