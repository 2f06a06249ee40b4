package worker

import (
	"os"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// Diagnostic switches for studying where a partial offload spends its time (docs/gpu.md). They
// are read from the worker's environment and change llama.cpp's buffer choice only:
//   - EnvNoHost=1 sets llama.cpp's no_host: the CPU's weights and compute buffer stay out of the
//     GPU's pinned host memory, which otherwise comes before the CPU's repacked buffers;
//   - EnvNoRepack=1 clears use_extra_bufts: no weight is repacked for the CPU's kernels;
//   - EnvNoMmap=1 reads the weights into memory of the process's own instead of mapping the
//     file, so the tensors llama.cpp does not repack are read from anonymous pages, not the
//     page cache (docs/accuracy.md, the 8B Q4_K_M twin); EnvNoMmap=dio reads them so with
//     direct I/O, whatever the parent chose (docs/accuracy.md, "Reading the weights").
const (
	EnvNoHost   = "SLMSCOPE_LLAMA_NO_HOST"
	EnvNoRepack = "SLMSCOPE_LLAMA_NO_REPACK"
	EnvNoMmap   = "SLMSCOPE_LLAMA_NO_MMAP"
)

// applyDiagnostics sets the switches above on a model's parameters.
func applyDiagnostics(mp *llama.ModelParams) {
	if os.Getenv(EnvNoHost) == "1" {
		mp.NoHost = 1
	}
	if os.Getenv(EnvNoRepack) == "1" {
		mp.UseExtraBufts = 0
	}
	switch os.Getenv(EnvNoMmap) {
	case "1":
		mp.LoadMode = llama.LoadModeNone
	case "dio":
		mp.LoadMode = llama.LoadModeDirectIO
	}
}
