//go:build windows

package worker

import (
	"fmt"
	"syscall"

	"slmscope/engine/assets"
)

// versionFunc loads llama.dll from path and returns a call of its llama_version().
func versionFunc(path string) (func() uintptr, error) {
	dll, err := syscall.LoadDLL(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open llama.cpp library %s: %w (set %s)", path, err, assets.EnvLlamaDir)
	}
	proc, err := dll.FindProc("llama_version")
	if err != nil {
		return nil, fmt.Errorf("%s has no llama_version(): it is older than the v%s slmscope needs", path, assets.LlamaVersion)
	}
	return func() uintptr {
		ret, _, _ := proc.Call()
		return ret
	}, nil
}
