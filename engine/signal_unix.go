//go:build !windows && !plan9

package engine

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalName names the signal that ended the process, or "" if it exited normally.
func signalName(st *os.ProcessState) string {
	ws, ok := st.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return ""
	}
	if n := unix.SignalName(ws.Signal()); n != "" {
		return n
	}
	return ws.Signal().String()
}
