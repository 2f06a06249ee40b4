package worker

import (
	"errors"
	"fmt"

	"github.com/hybridgroup/yzma/pkg/llama"

	"slmscope/engine/gguf"
	"slmscope/engine/wire"
)

// quantize runs llama.cpp's own quantizer, llama_model_quantize, from req.Path to req.Out in
// the llama.cpp file type req.Quant: the reference slmscope's twin writer is tested against.
func quantize(req wire.Request) error {
	if req.Path == "" || req.Out == "" {
		return errors.New("quantize needs an input and an output file")
	}
	ftype, ok := gguf.FileTypeID(req.Quant)
	if !ok {
		return fmt.Errorf("quantize: %q is not a llama.cpp file type", req.Quant)
	}
	p := llama.ModelQuantizeDefaultParams()
	p.Ftype = llama.Ftype(ftype)
	if req.Threads > 0 {
		p.NThread = int32(req.Threads)
	}
	p.Pure = boolByte(req.Pure)
	p.AllowRequantize = boolByte(req.AllowRequantize)
	if rc := llama.ModelQuantize(req.Path, req.Out, &p); rc != 0 {
		return fmt.Errorf("llama.cpp could not quantize %s to %s (llama_model_quantize returned %d; its log says why)", req.Path, req.Quant, rc)
	}
	return nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
