//go:build windows

package worker

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// processMemoryCounters is Windows' PROCESS_MEMORY_COUNTERS (psapi.h).
type processMemoryCounters struct {
	cb                         uint32
	pageFaultCount             uint32
	peakWorkingSetSize         uintptr
	workingSetSize             uintptr
	quotaPeakPagedPoolUsage    uintptr
	quotaPagedPoolUsage        uintptr
	quotaPeakNonPagedPoolUsage uintptr
	quotaNonPagedPoolUsage     uintptr
	pagefileUsage              uintptr
	peakPagefileUsage          uintptr
}

// getProcessMemoryInfo is kernel32's K32GetProcessMemoryInfo (Windows 7 and later), which
// psapi's GetProcessMemoryInfo forwards to.
var getProcessMemoryInfo = windows.NewLazySystemDLL("kernel32.dll").NewProc("K32GetProcessMemoryInfo")

// memoryUse returns the working set now and its peak, Windows' counterparts of VmRSS and VmHWM;
// zero when Windows would not say (the app then says "not measured").
func memoryUse() (rss, peak uint64) {
	var c processMemoryCounters
	c.cb = uint32(unsafe.Sizeof(c))
	ok, _, _ := getProcessMemoryInfo.Call(uintptr(windows.CurrentProcess()), uintptr(unsafe.Pointer(&c)), uintptr(c.cb))
	if ok == 0 {
		return 0, 0
	}
	return uint64(c.workingSetSize), uint64(c.peakWorkingSetSize)
}

// hugePageUse is 0: Windows gives large pages only to processes with a privilege llama.cpp
// does not ask for, so none are in use.
func hugePageUse() uint64 { return 0 }
