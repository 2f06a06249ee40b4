package hwprobe

// defaultNVMLLibrary is found in System32 with current NVIDIA drivers.
const defaultNVMLLibrary = "nvml.dll"
