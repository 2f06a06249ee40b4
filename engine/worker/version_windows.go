//go:build windows

package worker

import (
	"fmt"
	"path/filepath"
	"syscall"

	"slmscope/engine/assets"
)

// llamaVersion loads llama.dll and calls llama_version() (see version_unix.go for why).
func llamaVersion(dir string) (string, error) {
	path := filepath.Join(dir, assets.LibName("llama"))
	dll, err := syscall.LoadDLL(path)
	if err != nil {
		return "", fmt.Errorf("cannot open llama.cpp library %s: %w (set %s)", path, err, assets.EnvLlamaDir)
	}
	proc, err := dll.FindProc("llama_version")
	if err != nil {
		return "", fmt.Errorf("%s has no llama_version(): it is older than the v%s slmscope needs", path, assets.LlamaVersion)
	}
	ret, _, _ := proc.Call()
	return versionResult(path, ret)
}
