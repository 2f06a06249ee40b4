//go:build windows

package hwprobe

import (
	"fmt"
	"syscall"
)

// library is an open DLL.
type library struct {
	handle syscall.Handle
	path   string
}

// openLibrary loads a DLL by name or path.
func openLibrary(path string) (*library, error) {
	h, err := syscall.LoadLibrary(path)
	if err != nil {
		return nil, fmt.Errorf("%s not found or not loadable: %w", path, err)
	}
	return &library{handle: h, path: path}, nil
}

// sym returns an exported function's address, or an error when the DLL lacks it.
func (l *library) sym(name string) (uintptr, error) {
	return syscall.GetProcAddress(l.handle, name)
}

func (l *library) close() { _ = syscall.FreeLibrary(l.handle) }
