//go:build !linux

package procself

import "time"

// LowerThread does nothing here: macOS and the BSDs set a nice value per process, which the
// next llama.cpp worker the app starts (the process it measures) would inherit, and Windows
// has no nice. restore reports false.
func LowerThread(delta int) (restore func() bool, err error) {
	return func() bool { return false }, ErrUnsupported
}

// LowerForeignThreads does nothing here (see LowerThread); restore reports false.
func LowerForeignThreads(delta int) (restore func() bool, err error) {
	return func() bool { return false }, ErrUnsupported
}

// MainAndForeignCPU is the whole process's CPU time here (no per-thread figures).
func MainAndForeignCPU() (time.Duration, bool) { return CPUTime() }

// Nice is unknown here.
func Nice() (int, error) { return 0, ErrUnsupported }
