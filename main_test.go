package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary act as slmscope itself: with SLMSCOPE_TEST_ARGS set it runs
// main with those arguments (separated by newlines).
func TestMain(m *testing.M) {
	if args := os.Getenv("SLMSCOPE_TEST_ARGS"); args != "" {
		os.Args = append([]string{"slmscope"}, strings.Split(args, "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// A failing command prints exactly one line on stderr, even in the POSIX "C" locale, where
// Fyne would otherwise log its locale complaint first.
func TestFailureIsOneLineInCLocale(t *testing.T) {
	notModel := filepath.Join(t.TempDir(), "notes.gguf")
	if err := os.WriteFile(notModel, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"C.UTF-8", "C", "POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LC_ALL=", "LC_MESSAGES=", "LANG="+lang,
			"SLMSCOPE_TEST_ARGS=bench\n--model\n"+notModel)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Fatalf("LANG=%s: err = %v, want exit code 1", lang, err)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "text file") {
			t.Errorf("LANG=%s: stderr has %d lines:\n%s", lang, len(lines), stderr.String())
		}
	}
}

func TestUsageErrorExitsTwo(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SLMSCOPE_TEST_ARGS=no-such-command")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("err = %v, want exit code 2", err)
	}
}
