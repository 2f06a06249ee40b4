//go:build !darwin && !windows

package hwprobe

// probePlatformGPUs has nothing to add on this OS: Linux GPUs come from NVML, ROCm SMI and sysfs.
func probePlatformGPUs() ([]GPU, []string) { return nil, nil }
