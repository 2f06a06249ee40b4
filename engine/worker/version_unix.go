//go:build darwin || linux || freebsd

package worker

import (
	"fmt"
	"path/filepath"

	"github.com/ebitengine/purego"

	"slmscope/engine/assets"
)

// llamaVersion opens libllama and calls llama_version() before any binding is made, so a
// build of the wrong version is refused by name instead of failing on a missing symbol.
//
//	LLAMA_API const char * llama_version(void);
func llamaVersion(dir string) (string, error) {
	path := filepath.Join(dir, assets.LibName("llama"))
	lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return "", fmt.Errorf("cannot open llama.cpp library %s: %w (run `make setup`, or set %s)", path, err, assets.EnvLlamaDir)
	}
	sym, err := purego.Dlsym(lib, "llama_version")
	if err != nil {
		return "", fmt.Errorf("%s has no llama_version(): it is older than the v%s slmscope needs; run `make setup`", path, assets.LlamaVersion)
	}
	ret, _, _ := purego.SyscallN(sym)
	return versionResult(path, ret)
}
