//go:build darwin || linux || freebsd

package worker

import (
	"fmt"

	"github.com/ebitengine/purego"

	"slmscope/engine/assets"
)

// versionFunc opens the library at path and returns a call of its llama_version().
//
//	LLAMA_API const char * llama_version(void);
func versionFunc(path string) (func() uintptr, error) {
	lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("cannot open llama.cpp library %s: %w (run `make setup`, or set %s)", path, err, assets.EnvLlamaDir)
	}
	sym, err := purego.Dlsym(lib, "llama_version")
	if err != nil {
		return nil, fmt.Errorf("%s has no llama_version(): it is older than the v%s slmscope needs; run `make setup`", path, assets.LlamaVersion)
	}
	return func() uintptr {
		ret, _, _ := purego.SyscallN(sym)
		return ret
	}, nil
}

// loadHint is said when llama.cpp's libraries do not load.
const loadHint = "is libffi installed? Debian: apt-get install libffi8"
