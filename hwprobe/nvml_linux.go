package hwprobe

// defaultNVMLLibrary is the soname the NVIDIA driver installs.
const defaultNVMLLibrary = "libnvidia-ml.so.1"

// nvmlFallbackPaths: the loader's search path already covers Linux driver installs.
func nvmlFallbackPaths() []string { return nil }
