package engine

import (
	"context"

	"slmscope/engine/wire"
)

// LoadUnchecked sends a load request without slmscope's GGUF checks, to prove the worker
// contains what the reader would have stopped.
func (w *Worker) LoadUnchecked(ctx context.Context, path string) error {
	if err := w.send(wire.Request{Op: wire.OpLoad, Path: path, Threads: 1, Context: 256}); err != nil {
		return w.crashError("loading " + path)
	}
	_, err := w.next(ctx, "loading "+path, 0)
	return err
}

// PID is the worker process's id, for tests that signal it.
func (w *Worker) PID() int { return w.cmd.Process.Pid }
