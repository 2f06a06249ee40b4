//go:build !unix

package safefile

import "os"

// openNonBlocking is a plain open where there are no named pipes in the file system.
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
