//go:build !(darwin || linux || freebsd || windows)

package worker

import (
	"fmt"
	"runtime"
)

const goos = runtime.GOOS

// openSystemLibrary cannot look for libraries on this OS: GPU builds are passed over.
func openSystemLibrary(lib string) error {
	return fmt.Errorf("%s: not checked on %s", lib, runtime.GOOS)
}
