package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
)

// MeasureAndRecord benches a model file and appends the run to the run history, choosing the
// thread count when given 0 and saying so through the progress lines.
func TestMeasureAndRecordKeepsTheRun(t *testing.T) {
	ref, ctx := measureSetup(t)
	var lines []string
	resolved := false
	m, err := engine.MeasureAndRecord(ctx, engine.MeasureRequest{Model: ref, Origin: engine.OriginCompare,
		Machine: engine.MachineState{Key: "test-machine"}, Resolved: func(engine.ModelRef) { resolved = true },
		Bench: engine.BenchOptions{PromptTokens: 8, GenTokens: 4, Repeat: 1, Worker: workerOptions(),
			Progress: func(s string) { lines = append(lines, s) }}})
	if err != nil {
		t.Fatal(err)
	}
	if !resolved || m.RecordErr != nil {
		t.Fatalf("resolved %v, record error %v", resolved, m.RecordErr)
	}
	if m.Result.ThreadsWhy == "" || len(lines) == 0 || !strings.HasPrefix(lines[0], "threads: ") {
		t.Errorf("threads chosen without saying why: %q, progress %q", m.Result.ThreadsWhy, lines)
	}
	rs, problems, err := engine.LoadRunHistory()
	if err != nil || len(problems) != 0 || len(rs) != 1 {
		t.Fatalf("run history: %d runs, problems %v, err %v", len(rs), problems, err)
	}
	if r := rs[0]; r.Origin != engine.OriginCompare || r.Machine != "test-machine" || r.Key != m.Model.Key() || r.GenTokens != m.Result.GenTokens {
		t.Errorf("recorded %+v, measured %+v", r, m.Result)
	}
}

// A run that joins the calibration (Compare's "measure this row") is measured on the thread
// count of the calibration's CPU runs, not on the count the machine's load would pick: on
// another count the merge would leave out every earlier CPU run.
func TestMeasureAndRecordJoinsTheCalibrationsThreads(t *testing.T) {
	ref, ctx := measureSetup(t)
	state := engine.MachineState{Key: "test-machine", Calibration: engine.Calibration{Key: "test-machine",
		Measurements: []engine.Measurement{{ModelID: "smollm2-135m", Quant: "Q8_0", Threads: 1, GenTPS: 50}}}}
	var lines []string
	m, err := engine.MeasureAndRecord(ctx, engine.MeasureRequest{Model: ref, Origin: engine.OriginCompare, Machine: state, JoinsCalibration: true,
		Bench: engine.BenchOptions{PromptTokens: 8, GenTokens: 4, Repeat: 1, Worker: workerOptions(),
			Progress: func(s string) { lines = append(lines, s) }}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Result.Threads != 1 || !strings.Contains(m.Result.ThreadsWhy, "calibration") {
		t.Errorf("measured on %d threads (%q), want the calibration's 1", m.Result.Threads, m.Result.ThreadsWhy)
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "threads: 1 thread") {
		t.Errorf("progress %q does not say the thread count first", lines)
	}
}

// measureSetup gives a test its own home folders and the tiny twin to measure, with a context
// that ends with the test.
func measureSetup(t *testing.T) (engine.ModelRef, context.Context) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	ref, err := engine.ParseModelRef(tinyTwin(t), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ref, ctx
}

// A file that is not a model is refused before anything is measured or recorded.
func TestMeasureAndRecordRefusesANonModel(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	path := t.TempDir() + "/notes.gguf"
	if err := writeFile(path, "shopping list\n"); err != nil {
		t.Fatal(err)
	}
	ref, err := engine.ParseModelRef(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.MeasureAndRecord(context.Background(), engine.MeasureRequest{Model: ref, Origin: engine.OriginCompare,
		Bench: engine.BenchOptions{PromptTokens: 8, GenTokens: 4, Repeat: 1, Worker: workerOptions()}}); err == nil {
		t.Fatal("a text file was measured")
	}
	if rs, _, _ := engine.LoadRunHistory(); len(rs) != 0 {
		t.Errorf("%d runs recorded for a refused file", len(rs))
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }
