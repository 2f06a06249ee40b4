package engine_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
)

// copyTiny copies the tiny twin to a file of the test's own, which it may then damage.
func copyTiny(t *testing.T) string {
	t.Helper()
	src, err := os.Open(tinyTwin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	p := filepath.Join(t.TempDir(), "mine.gguf")
	dst, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	return p
}

// within fails the test when f takes longer than d (a hang).
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s took more than %s", what, d)
	}
}

// TestModelFileChangedBeforeLoad: the worker refuses a file whose size or time differs from
// what the parent checked, in words, and stays usable.
func TestModelFileChangedBeforeLoad(t *testing.T) {
	ctx := context.Background()
	w := startWorker(t, ctx, workerOptions())
	defer w.Close()
	p := copyTiny(t)
	st, _ := os.Stat(p)
	err := w.LoadExpecting(ctx, p, st.Size()+1, st.ModTime().UnixNano())
	if err == nil || !strings.Contains(err.Error(), "the model file changed while it was being read") {
		t.Fatalf("got %v", err)
	}
	if _, err := w.Load(ctx, engine.LoadOptions{Path: p, Threads: 1, Context: 256}); err != nil {
		t.Fatalf("the same worker after a refused load: %v", err)
	}
}

// TestModelFileTruncatedWhileMapped: a model cut short while llama.cpp has it mapped
// crashes the worker (SIGBUS); the parent says the file changed, and the next run works.
func TestModelFileTruncatedWhileMapped(t *testing.T) {
	ctx := context.Background()
	p := copyTiny(t)
	w := startWorker(t, ctx, workerOptions())
	defer w.Close()
	if _, err := w.Load(ctx, engine.LoadOptions{Path: p, Threads: 1, Context: 256}); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 4096); err != nil {
		t.Fatal(err)
	}
	var err error
	within(t, time.Minute, "a generation on a truncated file", func() {
		_, err = w.Generate(ctx, engine.GenerateOptions{Prompt: "hello", MaxTokens: 4}, nil)
	})
	if err == nil {
		// The token embeddings are read from the mapped file by every generation (get_rows runs
		// on the mapping even where the CPU backend repacks the matrices), so a generation on a
		// file cut to 4 KiB cannot succeed: the error was lost.
		t.Fatal("a generation on a model file truncated to 4 KiB returned no error")
	}
	if !errors.Is(err, engine.ErrFileChanged) || !strings.Contains(err.Error(), "the model file changed while it was being read") {
		t.Fatalf("got %v", err)
	}
	t.Logf("truncated: %v", err)
	s := &engine.Session{Options: workerOptions()}
	defer s.Close()
	ref, _ := engine.ParseModelRef(tinyTwin(t), "")
	if _, err := s.Run(ctx, engine.RunRequest{Model: ref, Threads: 1, Context: 256, MaxTokens: 4, Prompt: "hello"}, engine.RunEvents{}); err != nil {
		t.Fatalf("the next run: %v", err)
	}
}

// TestModelLargerThanMemory: a model that would not fit in available memory is refused
// before loading, with both numbers.
func TestModelLargerThanMemory(t *testing.T) {
	defer engine.SetUsableRAM(func() int64 { return 1 << 20 })()
	ctx := context.Background()
	opts := workerOptions()
	w := startWorker(t, ctx, opts)
	defer w.Close()
	_, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 1, Context: 256})
	var me *engine.MemoryError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "only 1.05 MB is available") {
		t.Fatalf("got %v", err)
	}
	t.Log(err)
}

// TestRunInputsRefusedInWords: bad settings and prompts are refused before any worker.
func TestRunInputsRefusedInWords(t *testing.T) {
	ok := engine.RunRequest{Threads: 2, Context: 2048, MaxTokens: 16, Prompt: "hello"}
	cases := []struct {
		name string
		edit func(*engine.RunRequest)
		want string
	}{
		{"threads -1", func(r *engine.RunRequest) { r.Threads = -1 }, "negative"},
		{"threads 100000", func(r *engine.RunRequest) { r.Threads = 100000 }, "logical CPUs"},
		{"max tokens 1e9", func(r *engine.RunRequest) { r.MaxTokens = 1e9 }, "ask for fewer"},
		{"max tokens -1", func(r *engine.RunRequest) { r.MaxTokens = -1 }, "negative"},
		{"context 1e9", func(r *engine.RunRequest) { r.Context = 1e9 }, "smaller context"},
		{"context -5", func(r *engine.RunRequest) { r.Context = -5 }, "negative"},
		{"empty prompt", func(r *engine.RunRequest) { r.Prompt = " \n" }, "empty"},
		{"1 MB prompt", func(r *engine.RunRequest) { r.Prompt = strings.Repeat("a", 1<<20) }, "shorten it"},
		{"NUL", func(r *engine.RunRequest) { r.Prompt = "a\x00b" }, "NUL byte"},
		{"invalid UTF-8", func(r *engine.RunRequest) { r.Prompt = "caf\xe9" }, "not valid UTF-8"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	s := &engine.Session{Options: workerOptions()}
	defer s.Close()
	for _, c := range cases {
		r := ok
		c.edit(&r)
		err := r.Validate()
		if !errors.Is(err, engine.ErrBadInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		if _, err := s.Run(context.Background(), r, engine.RunEvents{}); !errors.Is(err, engine.ErrBadInput) {
			t.Errorf("%s: Session.Run got %v", c.name, err)
		}
	}
}
