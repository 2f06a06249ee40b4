//go:build !linux && !windows

package hwprobe

// defaultNVMLLibrary is empty: NVIDIA's NVML does not exist on this OS.
const defaultNVMLLibrary = ""

// probeNVML reports nothing: there is no NVML on this OS (macOS has had no NVIDIA driver
// since 10.13), so it is not a missing piece worth a note.
func probeNVML(path string) ([]GPU, error) { return nil, nil }
