//go:build !linux

package procself

// Lower does nothing here: on macOS and the BSDs a process-wide nice would also be inherited
// by the next llama.cpp worker the app starts (the one it measures), and Windows has no
// nice. restore reports false.
func Lower(delta int) (restore func() bool, err error) {
	return func() bool { return false }, ErrUnsupported
}

// Nice is unknown here.
func Nice() (int, error) { return 0, ErrUnsupported }
