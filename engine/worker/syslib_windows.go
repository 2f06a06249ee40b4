//go:build windows

package worker

import "syscall"

const goos = "windows"

// openSystemLibrary reports whether Windows finds the DLL lib, as llama.cpp's GPU backend will
// when it is loaded.
func openSystemLibrary(lib string) error {
	h, err := syscall.LoadLibrary(lib)
	if err != nil {
		return err
	}
	return syscall.FreeLibrary(h)
}
