package worker

import (
	"os"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// Diagnostic switches for studying where a partial offload spends its time (docs/gpu.md). They
// are read from the worker's environment and change llama.cpp's buffer choice only:
//   - EnvNoHost=1 sets llama.cpp's no_host: the CPU's weights and compute buffer stay out of the
//     GPU's pinned host memory, which otherwise comes before the CPU's repacked buffers;
//   - EnvNoRepack=1 clears use_extra_bufts: no weight is repacked for the CPU's kernels.
const (
	EnvNoHost   = "SLMSCOPE_LLAMA_NO_HOST"
	EnvNoRepack = "SLMSCOPE_LLAMA_NO_REPACK"
)

// applyDiagnostics sets the switches above on a model's parameters.
func applyDiagnostics(mp *llama.ModelParams) {
	if os.Getenv(EnvNoHost) == "1" {
		mp.NoHost = 1
	}
	if os.Getenv(EnvNoRepack) == "1" {
		mp.UseExtraBufts = 0
	}
}
