//go:build darwin || linux || freebsd

package worker

import (
	"runtime"

	"github.com/ebitengine/purego"
)

const goos = runtime.GOOS

// openSystemLibrary reports whether the dynamic loader finds lib (by soname), as llama.cpp's
// GPU backend will when it is loaded.
func openSystemLibrary(lib string) error {
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return err
	}
	return purego.Dlclose(h)
}
