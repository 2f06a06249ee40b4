//go:build !windows

package engine

import "os/exec"

// noConsole: only Windows gives a child process a console window of its own.
func noConsole(*exec.Cmd) {}
