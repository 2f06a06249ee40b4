//go:build windows

package engine

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// noConsole starts the worker without a console of its own: it talks through pipes, and the app
// started from the Start menu has no console to share, so Windows would open a window for it.
// Ctrl+C in a console reaches the parent, which kills the worker (TerminateProcess).
func noConsole(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}
