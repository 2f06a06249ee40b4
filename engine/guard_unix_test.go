//go:build unix

package engine_test

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"slmscope/engine"
)

// TestStuckWorker: a worker that stops answering (SIGSTOP) ends the run with "llama.cpp
// stopped responding" after the stall timeout, is killed, and the next run works.
func TestStuckWorker(t *testing.T) {
	ctx := context.Background()
	opts := workerOptions()
	opts.StallTimeout = time.Second
	w := startWorker(t, ctx, opts)
	defer w.Close()
	if _, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 1, Context: 256}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(w.PID(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	var gerr error
	within(t, 30*time.Second, "a generation on a stopped worker", func() {
		_, gerr = w.Generate(ctx, engine.GenerateOptions{Prompt: "hi", MaxTokens: 50, IgnoreEOS: true}, nil)
	})
	var stall *engine.StallError
	if !errors.As(gerr, &stall) || !strings.Contains(gerr.Error(), "llama.cpp stopped responding") {
		t.Fatalf("got %v", gerr)
	}
	if !w.Exited() {
		t.Fatal("the stuck worker was not killed")
	}
	w2 := startLoaded(t, 256)
	if _, err := w2.Generate(ctx, engine.GenerateOptions{Prompt: "hi", MaxTokens: 2}, nil); err != nil {
		t.Fatalf("the next worker: %v", err)
	}
}

// TestOutsideKillIsExplained: a SIGKILL slmscope did not send is reported as the system
// stopping the worker, not as a cancel.
func TestOutsideKillIsExplained(t *testing.T) {
	ctx := context.Background()
	w := startLoaded(t, 256)
	go func() {
		time.Sleep(50 * time.Millisecond)
		syscall.Kill(w.PID(), syscall.SIGKILL)
	}()
	_, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "hi", MaxTokens: 100000, IgnoreEOS: true}, nil)
	var crash *engine.CrashError
	if !errors.As(err, &crash) || crash.Signal != "SIGKILL" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "SIGKILL (") {
		t.Fatalf("no explanation: %v", err)
	}
	oom := &engine.CrashError{During: "generating", Signal: "SIGKILL", OutOfMemory: true}
	if !strings.Contains(oom.Error(), "stopped by the system for lack of memory") {
		t.Fatalf("OOM message: %v", oom)
	}
}
