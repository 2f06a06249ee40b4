//go:build !windows

package hwprobe

// registryCPU is Windows' registry fallback for the CPU description; elsewhere gopsutil
// reads /proc/cpuinfo or sysctl, so there is nothing to fall back to.
func registryCPU(Options) (model, vendor string, mhz float64, ok bool) { return "", "", 0, false }

// registryCPUSource names where registryCPU's figures come from.
const registryCPUSource = ""
