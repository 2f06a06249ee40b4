//go:build windows

package hwprobe

import (
	"strings"

	"golang.org/x/sys/windows/registry"
)

// registryCPU reads the first processor's name, vendor and rated speed from the registry key
// Windows fills at boot (HKLM\HARDWARE\DESCRIPTION\System\CentralProcessor\0). It stands in
// when gopsutil's WMI query gives no description (Wine has no Win32_Processor; a busy WMI
// service times out). ok is false when the key cannot be read or names no processor.
func registryCPU(opts Options) (model, vendor string, mhz float64, ok bool) {
	if !opts.isHost() {
		return "", "", 0, false
	}
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `HARDWARE\DESCRIPTION\System\CentralProcessor\0`, registry.QUERY_VALUE)
	if err != nil {
		return "", "", 0, false
	}
	defer k.Close()
	name, _, err := k.GetStringValue("ProcessorNameString")
	if err != nil || strings.TrimSpace(name) == "" {
		return "", "", 0, false
	}
	vendor, _, _ = k.GetStringValue("VendorIdentifier")
	if v, _, err := k.GetIntegerValue("~MHz"); err == nil {
		mhz = float64(v)
	}
	return strings.TrimSpace(name), vendor, mhz, true
}

// registryCPUSource names where registryCPU's figures come from.
const registryCPUSource = `Windows registry (HARDWARE\DESCRIPTION\System\CentralProcessor\0)`
