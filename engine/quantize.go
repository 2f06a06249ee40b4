package engine

import (
	"context"
	"fmt"
	"os"

	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/engine/wire"
)

// QuantizeOptions says what llama.cpp's own quantizer should write.
type QuantizeOptions struct {
	In, Out string
	// Quant is the file type; a pure type (F16, Q8_0, Q4_0, Q4_K, ...) is written with
	// llama-quantize's --pure, the mixes (Q4_K_M, ...) with llama.cpp's per-tensor recipe.
	Quant           quant.Quant
	Threads         int  // 0: all logical CPUs
	AllowRequantize bool // the input may itself be quantized
}

// Quantize has the worker run llama.cpp's llama_model_quantize on a file slmscope's GGUF
// reader has checked first. llama.cpp only ever runs in the worker, so an abort while
// quantizing is a CrashError like any other.
func (w *Worker) Quantize(ctx context.Context, o QuantizeOptions) error {
	if err := CheckModelFile(o.In); err != nil {
		return err
	}
	r, err := quant.RecipeOf(o.Quant)
	if err != nil {
		return err
	}
	during := fmt.Sprintf("quantizing %s to %s", o.In, o.Quant)
	req := wire.Request{Op: wire.OpQuantize, Path: o.In, Out: o.Out, Quant: gguf.FileTypeName(o.Quant.FileType()), Pure: r.Pure,
		Threads: o.Threads, AllowRequantize: o.AllowRequantize}
	if err := w.send(req); err != nil {
		return w.crashError(during)
	}
	// Quantizing sends no event until it is done, and the IQ types cost minutes of compute
	// per GB on a small CPU: allow ten times a load of a file that size.
	var size int64
	if st, err := os.Stat(o.In); err == nil {
		size = st.Size()
	}
	ev, err := w.next(ctx, during, 10*w.loadTimeout(size))
	if err != nil {
		if ctx.Err() != nil {
			w.Kill()
		}
		return err
	}
	if ev.Op != wire.OpQuantized {
		return fmt.Errorf("worker answered %q to quantize", ev.Op)
	}
	return nil
}
