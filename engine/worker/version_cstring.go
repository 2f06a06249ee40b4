//go:build darwin || linux || freebsd || windows

package worker

import (
	"fmt"
	"unsafe"
)

// versionResult turns what llama_version() in the library at path returned into its string.
func versionResult(path string, ret uintptr) (string, error) {
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
