//go:build !linux && !darwin && !freebsd && !windows

package hwprobe

import (
	"fmt"
	"runtime"
)

type library struct{ path string }

func openLibrary(path string) (*library, error) {
	return nil, fmt.Errorf("loading %s is not supported on %s", path, runtime.GOOS)
}

func (l *library) sym(name string) (uintptr, error) {
	return 0, fmt.Errorf("no symbols on %s", runtime.GOOS)
}

func (l *library) close() {}
