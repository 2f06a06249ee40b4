package hwprobe

import (
	"syscall"
	"unsafe"
)

// systemPowerStatus is SYSTEM_POWER_STATUS.
type systemPowerStatus struct {
	ACLineStatus        byte
	BatteryFlag         byte
	BatteryLifePercent  byte
	SystemStatusFlag    byte
	BatteryLifeTime     uint32
	BatteryFullLifeTime uint32
}

var procGetSystemPowerStatus = syscall.NewLazyDLL("kernel32.dll").NewProc("GetSystemPowerStatus")

// hostPowerSource asks GetSystemPowerStatus.
func hostPowerSource() (source string, onBattery bool, percent float64, how string) {
	var s systemPowerStatus
	if r, _, err := procGetSystemPowerStatus.Call(uintptr(unsafe.Pointer(&s))); r == 0 {
		return "unknown", false, 0, "unknown (GetSystemPowerStatus failed: " + err.Error() + ")"
	}
	if s.BatteryLifePercent <= 100 {
		percent = float64(s.BatteryLifePercent)
	}
	switch s.ACLineStatus {
	case 0:
		return "battery", true, percent, "GetSystemPowerStatus"
	case 1:
		return "ac", false, percent, "GetSystemPowerStatus"
	}
	return "unknown", false, 0, "unknown (Windows reports the power line status as unknown)"
}
