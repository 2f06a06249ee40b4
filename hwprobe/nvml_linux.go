package hwprobe

// defaultNVMLLibrary is the soname the NVIDIA driver installs.
const defaultNVMLLibrary = "libnvidia-ml.so.1"
