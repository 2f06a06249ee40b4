//go:build windows

package console

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	kernel32           = windows.NewLazySystemDLL("kernel32.dll")
	getConsoleProcList = kernel32.NewProc("GetConsoleProcessList")
	freeConsole        = kernel32.NewProc("FreeConsole")
)

// DetachOwn closes the console when this process is its only user (started from the Start menu or
// Explorer, not from a command prompt, whose console it shares and must leave alone).
func DetachOwn() {
	if getConsoleProcList.Find() != nil || freeConsole.Find() != nil {
		return
	}
	var pids [2]uint32
	n, _, _ := getConsoleProcList.Call(uintptr(unsafe.Pointer(&pids[0])), 2)
	if n == 1 {
		_, _, _ = freeConsole.Call()
	}
}
