package ui

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/twin"
	"slmscope/engine/worker"
	"slmscope/internal/interference"
)

// The ui test binary doubles as the llama.cpp worker, as slmscope itself does.
func TestMain(m *testing.M) {
	worker.ServeTestWorker()
	// Keep tests away from the user's twin cache.
	dir, err := os.MkdirTemp("", "slmscope-ui-test")
	if err == nil {
		os.Setenv("SLMSCOPE_TWIN_DIR", filepath.Join(dir, "twins"))
		os.Setenv("SLMSCOPE_RUNS", filepath.Join(dir, "runs.jsonl"))
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// testWorkerOptions runs this test binary as the worker.
// testWorkerOptions runs this test binary as the worker, on a machine the worker sees as quiet:
// the other packages' tests running beside these must not mark a run disturbed.
func testWorkerOptions() engine.Options {
	argv, env := worker.TestBinary()
	return engine.Options{Command: argv, Env: env, Interference: interference.Fixed(interference.Quiet(runtime.NumCPU()))}
}

// writeTinyTwin writes the catalog's tiny test model into dir.
func writeTinyTwin(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "tiny.q8_0.gguf")
	if err := twin.Write(context.Background(), catalog.Tiny, engine.Q8_0, p, nil); err != nil {
		t.Fatalf("writing tiny twin: %v", err)
	}
	return p
}
