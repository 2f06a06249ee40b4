package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/gguf/ggufbad"
	"slmscope/engine/twin"
	"slmscope/engine/worker"
	"slmscope/internal/interference"
	"slmscope/internal/units"
)

// The test binary doubles as the worker.
func TestMain(m *testing.M) {
	worker.ServeTestWorker()
	code := m.Run()
	if tinyDir != "" {
		os.RemoveAll(tinyDir)
	}
	os.Exit(code)
}

// The other programs on the machine running the tests (go test runs packages side by side)
// must not decide their outcome: a calibration refused runs disturbed by the other packages'
// tests. Tests see a quiet machine; the ones about interference bring their own source.
func workerOptions(env ...string) engine.Options {
	o := measuringWorkerOptions(env...)
	o.Interference = interference.Fixed(interference.Quiet(runtime.NumCPU()))
	return o
}

// measuringWorkerOptions runs this test binary as the worker with the real interference
// sampler: the benchmarks, which measure, say what else the machine did.
func measuringWorkerOptions(env ...string) engine.Options {
	argv, wenv := worker.TestBinary()
	return engine.Options{Command: argv, Env: append(wenv, env...)}
}

// startWorker starts a test-binary worker with opts, failing tb if it does not come up. The
// caller closes it.
func startWorker(tb testing.TB, ctx context.Context, opts engine.Options) *engine.Worker {
	tb.Helper()
	w, err := engine.Start(ctx, opts)
	if err != nil {
		tb.Fatalf("start the worker: %v", err)
	}
	return w
}

var tinyDir, tinyPath string

// tinyTwin writes the catalog's tiny test model once per test binary.
func tinyTwin(t testing.TB) string {
	t.Helper()
	if tinyPath != "" {
		return tinyPath
	}
	dir, err := os.MkdirTemp("", "slmscope-engine-test")
	if err != nil {
		t.Fatal(err)
	}
	tinyDir = dir
	p := filepath.Join(dir, "tiny.q8_0.gguf")
	if err := twin.Write(context.Background(), catalog.Tiny, twin.Q8_0, p, nil); err != nil {
		t.Fatalf("writing tiny twin: %v", err)
	}
	tinyPath = p
	return p
}

func startLoaded(t *testing.T, ctxLen int) *engine.Worker {
	t.Helper()
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	t.Cleanup(func() { w.Close() })
	if _, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 2, Context: ctxLen, GPULayers: -1}); err != nil {
		t.Fatalf("load: %v", err)
	}
	return w
}

func TestGenerateStreamsTokensWithTimings(t *testing.T) {
	w := startLoaded(t, 512)
	if !strings.HasPrefix(w.Ready.LlamaVersion, "0.5.0") {
		t.Errorf("llama version %q, want 0.5.0…", w.Ready.LlamaVersion)
	}
	if len(w.Ready.Devices) == 0 {
		t.Error("llama.cpp reported no devices (expected at least the CPU)")
	}
	var got []engine.Token
	res, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "Hello there", MaxTokens: 24, IgnoreEOS: true},
		func(tok engine.Token) { got = append(got, tok) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 24 || res.GenTokens != 24 {
		t.Fatalf("got %d token events, result says %d; want 24", len(got), res.GenTokens)
	}
	for i, tok := range got {
		if tok.Index != i+1 {
			t.Fatalf("token %d has index %d", i, tok.Index)
		}
		if i > 0 && tok.At < got[i-1].At {
			t.Fatalf("token %d arrived before token %d", i+1, i)
		}
	}
	if res.TTFT <= 0 || res.GenTPS() <= 0 || res.PromptTPS() <= 0 {
		t.Errorf("timings not measured: ttft %v gen %.1f prompt %.1f", res.TTFT, res.GenTPS(), res.PromptTPS())
	}
	if res.Stats.LlamaEvalN != 23 {
		t.Errorf("llama.cpp counted %d eval tokens, want 23 (every token after the first)", res.Stats.LlamaEvalN)
	}
	if res.LlamaGenTPS() <= 0 || res.LlamaPromptTPS() <= 0 {
		t.Errorf("llama.cpp counters missing: %+v", res.Stats)
	}
	if len(res.Gaps) != 23 {
		t.Errorf("%d per-token gaps, want 23", len(res.Gaps))
	}
	if res.Stats.PeakRSSBytes == 0 && os.Getenv("GOOS") == "" && fileExists("/proc/self/status") {
		t.Error("peak RSS not reported on Linux")
	}
	// A second generation in the same worker works too.
	res2, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "Again", MaxTokens: 5, IgnoreEOS: true}, nil)
	if err != nil || res2.GenTokens != 5 {
		t.Fatalf("second generation: %v, %d tokens", err, res2.GenTokens)
	}
}

func TestFixedPromptLength(t *testing.T) {
	w := startLoaded(t, 512)
	res, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "one two three", PromptTokens: 100, MaxTokens: 3, IgnoreEOS: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.PromptTokens != 100 || res.Stats.LlamaPromptN != 100 {
		t.Errorf("prompt tokens %d (llama.cpp counted %d), want exactly 100", res.PromptTokens, res.Stats.LlamaPromptN)
	}
}

func TestPromptLongerThanContext(t *testing.T) {
	w := startLoaded(t, 256)
	n := w.Model.Context // llama.cpp may round the context up
	_, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "word", PromptTokens: n + 20, MaxTokens: 4}, nil)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("context holds %d", n)) {
		t.Fatalf("err = %v, want a message about the %d-token context", err, n)
	}
	// The worker is still usable.
	if _, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "short", MaxTokens: 3, IgnoreEOS: true}, nil); err != nil {
		t.Fatalf("after the refused prompt: %v", err)
	}
}

func TestCancelStopsAndKeepsWorker(t *testing.T) {
	w := startLoaded(t, 512)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "Go on", MaxTokens: 400, IgnoreEOS: true}, func(tok engine.Token) {
		if tok.Index == 3 {
			cancel()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Cancelled || res.GenTokens >= 400 {
		t.Fatalf("cancelled=%v after %d tokens", res.Cancelled, res.GenTokens)
	}
	if w.Exited() {
		t.Fatal("worker exited on a cancel it could honour")
	}
	if _, err := w.Generate(context.Background(), engine.GenerateOptions{Prompt: "more", MaxTokens: 3, IgnoreEOS: true}, nil); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
}

func TestBadModelFilesAreRefusedInWords(t *testing.T) {
	cases := badCases(t)
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	defer w.Close()
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			p := filepath.Join(dir, c.Name+".gguf")
			if err := os.WriteFile(p, c.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := w.Load(ctx, engine.LoadOptions{Path: p, Threads: 1, Context: 256})
			if err == nil || !strings.Contains(err.Error(), c.Want) {
				t.Fatalf("load %s: err = %v, want it to contain %q", c.Name, err, c.Want)
			}
			if w.Exited() {
				t.Fatal("the worker died: the reader should have stopped this file")
			}
		})
	}
	// And the same worker still loads a good model.
	if _, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 1, Context: 256}); err != nil {
		t.Fatalf("good model after bad ones: %v", err)
	}
}

// A layer count of 1000 aborts llama.cpp (GGML_ASSERT). If a file ever got past the reader,
// the worker must contain it: the parent gets a CrashError and the next worker works.
func TestWorkerAbortIsContained(t *testing.T) {
	cases := badCases(t)
	var layers1000 []byte
	for _, c := range cases {
		if c.Want == ggufbad.WantLayerCount1000 {
			layers1000 = c.Data
		}
	}
	p := filepath.Join(t.TempDir(), "layers1000.gguf")
	if err := os.WriteFile(p, layers1000, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	err := w.LoadUnchecked(ctx, p)
	w.Close()
	var crash *engine.CrashError
	if errors.As(err, &crash) {
		if crash.Signal == "" && crash.ExitCode == 0 {
			t.Errorf("crash without signal or exit code: %v", crash)
		}
		if len(crash.Log) == 0 {
			t.Errorf("crash carries no log lines: %v", crash)
		}
		t.Logf("contained: %v", crash)
	} else if err == nil {
		t.Fatal("llama.cpp accepted a 1000-layer file with a few layers of tensors")
	} else {
		t.Logf("llama.cpp refused it without crashing: %v", err)
	}
	// A fresh worker works.
	w2 := startLoaded(t, 256)
	if _, err := w2.Generate(ctx, engine.GenerateOptions{Prompt: "ok", MaxTokens: 2, IgnoreEOS: true}, nil); err != nil {
		t.Fatalf("fresh worker after the crash: %v", err)
	}
}

func TestWorkerKilledMidGeneration(t *testing.T) {
	tinyTwin(t)
	ref, err := engine.ParseModelRef(tinyPath, "")
	if err != nil {
		t.Fatal(err)
	}
	s := &engine.Session{Options: workerOptions()}
	defer s.Close()
	ctx := context.Background()
	killed := false
	_, err = s.Run(ctx, engine.RunRequest{Model: ref, Threads: 2, Context: 512, MaxTokens: 400, Prompt: "Tell me"}, engine.RunEvents{
		Token: func(tok engine.Token) {
			if tok.Index == 4 && !killed {
				killed = true
				killWorkerProcesses(t)
			}
		},
	})
	var crash *engine.CrashError
	if !errors.As(err, &crash) {
		t.Fatalf("err = %v, want a CrashError", err)
	}
	if crash.Signal != "SIGKILL" {
		t.Errorf("signal %q, want SIGKILL (%v)", crash.Signal, crash)
	}
	if !strings.Contains(crash.Error(), "generating token") {
		t.Errorf("message does not say what the worker was doing: %v", crash)
	}
	// The next run starts a fresh worker and works.
	sum, err := s.Run(ctx, engine.RunRequest{Model: ref, Threads: 2, Context: 512, MaxTokens: 4, Prompt: "Again"}, engine.RunEvents{})
	if err != nil {
		t.Fatalf("run after the kill: %v", err)
	}
	if sum.WorkerStartMs == 0 || sum.Result.GenTokens == 0 {
		t.Errorf("expected a fresh worker and tokens: %+v", sum)
	}
}

// killWorkerProcesses SIGKILLs this test binary's worker children, found by reading /proc
// (minimal systems have no pgrep).
func killWorkerProcesses(t *testing.T) {
	kids, err := childPIDs(os.Getpid())
	if err != nil {
		t.Fatalf("listing worker processes: %v", err)
	}
	if len(kids) == 0 {
		t.Fatal("no worker process to kill")
	}
	for _, pid := range kids {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
	}
}

// childPIDs returns the pids whose parent is ppid, from the fourth field of /proc/PID/stat.
func childPIDs(ppid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("reading /proc: %w", err)
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // the process ended meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			out = append(out, pid)
		}
	}
	return out, nil
}

func TestMissingRuntimeFolder(t *testing.T) {
	_, err := engine.Start(context.Background(), workerOptions("SLMSCOPE_LLAMA_DIR="+filepath.Join(t.TempDir(), "nope")))
	if err == nil || !strings.Contains(err.Error(), "SLMSCOPE_LLAMA_DIR") || !strings.Contains(err.Error(), "no such folder") {
		t.Fatalf("err = %v, want it to name SLMSCOPE_LLAMA_DIR and the missing folder", err)
	}
}

func TestRuntimeOfWrongVersion(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: cannot build a fake llama.cpp of the wrong version")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "fake.c")
	if err := os.WriteFile(src, []byte(`const char * llama_version(void) { return "0.4.2-fake"; }`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gcc, "-shared", "-fPIC", "-o", filepath.Join(dir, "libllama.so"), src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	_, err = engine.Start(context.Background(), workerOptions("SLMSCOPE_LLAMA_DIR="+dir))
	if err == nil || !strings.Contains(err.Error(), "0.4.2-fake") || !strings.Contains(err.Error(), "v0.5.0") {
		t.Fatalf("err = %v, want it to name both versions", err)
	}
}

func TestListDevicesNeedsNoModel(t *testing.T) {
	w := startWorker(t, context.Background(), workerOptions())
	defer w.Close()
	found := false
	for _, d := range w.Ready.Devices {
		if d.Type == "CPU" {
			found = true
		}
	}
	if !found {
		t.Errorf("no CPU device in %+v", w.Ready.Devices)
	}
}

// One real SmolLM2-135M twin through the whole path (skipped with -short).
func TestSmolLM2TwinBench(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: writes a 138 MiB twin")
	}
	ref, err := engine.ParseModelRef("twin:smollm2-135m", "q8_0")
	if err != nil {
		t.Fatal(err)
	}
	cache := &twin.Cache{Dir: t.TempDir(), CapBytes: 1 << 30}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := ref.Resolve(ctx, cache, nil); err != nil {
		t.Fatal(err)
	}
	if ref.Params < 130e6 || ref.Params > 140e6 {
		t.Errorf("params %d, want ≈135M", ref.Params)
	}
	res, err := engine.Bench(ctx, engine.BenchOptions{Model: ref, PromptTokens: 64, GenTokens: 16, Threads: 2, Repeat: 1, Worker: workerOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if res.GenTokens != 16 || res.PromptTokens != 64 || res.GenTPS <= 0 || res.LlamaGenTPS <= 0 || res.LoadMs <= 0 {
		t.Errorf("incomplete result: %+v", res)
	}
	if s := res.Steadiness; s.MeanToMedian <= 0 || s.MedianTPS <= 0 || s.TailToMedian < 1 {
		t.Errorf("steadiness not measured: %+v", s)
	}
	t.Logf("SmolLM2-135M Q8_0 twin: gen %.1f tok/s (llama.cpp %.1f), prompt %.0f tok/s, load %.0f ms, peak %s",
		res.GenTPS, res.LlamaGenTPS, res.PromptTPS, res.LoadMs, units.BytesU(res.PeakRSSBytes))
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// badCases derives issue 2's bad-input files from the tiny twin.
func badCases(t *testing.T) []ggufbad.Case {
	t.Helper()
	valid, err := os.ReadFile(tinyTwin(t))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := ggufbad.Cases(valid)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}
