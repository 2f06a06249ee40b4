//go:build !linux

package hwprobe

// probeROCmSMI finds nothing: ROCm SMI is a Linux library (Windows AMD GPUs come from DXGI).
func probeROCmSMI(path string) ([]GPU, error) { return nil, nil }
