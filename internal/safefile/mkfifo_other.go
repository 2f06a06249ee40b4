//go:build !unix

package safefile

import "errors"

// MakeFIFO is unsupported where the file system has no named pipes.
func MakeFIFO(string) error { return errors.ErrUnsupported }
