//go:build darwin || linux || freebsd || windows

package worker

import (
	"fmt"
	"path/filepath"
	"unsafe"

	"slmscope/engine/assets"
)

// llamaVersion opens libllama in dir and calls llama_version() before any binding is made, so
// a build of the wrong version is refused by name instead of failing on a missing symbol.
// Opening the library and finding the symbol is per OS (versionFunc).
func llamaVersion(dir string) (string, error) {
	path := filepath.Join(dir, assets.LibName("llama"))
	call, err := versionFunc(path)
	if err != nil {
		return "", err
	}
	ret := call()
	if ret == 0 {
		return "", fmt.Errorf("%s: llama_version() returned NULL", path)
	}
	return cString(ret), nil
}

// cString copies a NUL-terminated C string owned by the library (at most 256 bytes).
func cString(ret uintptr) string {
	p := *(**byte)(unsafe.Pointer(&ret))
	n := 0
	for n < 256 && *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
