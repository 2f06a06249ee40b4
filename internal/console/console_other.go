//go:build !windows

package console

// DetachOwn does nothing: only Windows opens a console window for a program.
func DetachOwn() {}
