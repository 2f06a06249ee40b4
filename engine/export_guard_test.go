package engine

import (
	"context"

	"slmscope/engine/wire"
)

// SetUsableRAM replaces the memory figure the pre-load check uses; it returns a restore.
func SetUsableRAM(f func() int64) (restore func()) {
	old := usableRAM
	usableRAM = f
	return func() { usableRAM = old }
}

// LoadExpecting sends a load request claiming the file had size and modNano when checked.
func (w *Worker) LoadExpecting(ctx context.Context, path string, size, modNano int64) error {
	if err := w.send(wire.Request{Op: wire.OpLoad, Path: path, Threads: 1, Context: 256, ExpectSize: size, ExpectModNano: modNano}); err != nil {
		return w.crashError("loading " + path)
	}
	_, err := w.next(ctx, "loading "+path, 0)
	return err
}
