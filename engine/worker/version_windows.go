//go:build windows

package worker

import (
	"fmt"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/windows"

	"slmscope/engine/assets"
)

// versionFunc loads llama.dll from path and returns a call of its llama_version(). The DLL's
// folder is added to the DLL search path first (SetDllDirectory): llama.dll and ggml.dll import
// ggml-base.dll by name, and Windows looks for a DLL's imports beside the exe, not beside the
// DLL. yzma's loader, which opens ggml.dll, ggml-base.dll and llama.dll afterwards, needs it too.
func versionFunc(path string) (func() uintptr, error) {
	if err := windows.SetDllDirectory(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("cannot add %s to the DLL search path: %w", filepath.Dir(path), err)
	}
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

// loadHint is said when llama.cpp's DLLs do not load: libffi comes inside slmscope.exe here
// (jupiterrider/ffi writes it to %LOCALAPPDATA%), so a missing DLL is the usual cause.
const loadHint = "is every DLL of the runtime folder there? unpack slmscope again"
