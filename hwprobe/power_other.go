//go:build !darwin && !windows

package hwprobe

import "runtime"

// hostPowerSource is only used where sysfs is not read; Linux reads /sys/class/power_supply.
func hostPowerSource() (source string, onBattery bool, percent float64, how string) {
	return "unknown", false, 0, "unknown (power source is not read on " + runtime.GOOS + ")"
}
