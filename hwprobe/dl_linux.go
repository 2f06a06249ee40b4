package hwprobe

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// library is an open shared library.
type library struct {
	handle uintptr
	path   string
}

// openLibrary dlopens path with purego (no cgo).
func openLibrary(path string) (*library, error) {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("%s not found or not loadable: %w", path, err)
	}
	return &library{handle: h, path: path}, nil
}

// sym returns a symbol's address, or an error when the library lacks it.
func (l *library) sym(name string) (uintptr, error) {
	return purego.Dlsym(l.handle, name)
}

func (l *library) close() { _ = purego.Dlclose(l.handle) }
