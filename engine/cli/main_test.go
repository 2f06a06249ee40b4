package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the commands' run history out of the user's folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "slmscope-cli-test")
	if err == nil {
		os.Setenv("SLMSCOPE_RUNS", filepath.Join(dir, "runs.jsonl"))
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
