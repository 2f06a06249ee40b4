package hwprobe

import "fmt"

// NVMLError is an nvmlReturn_t status code other than NVML_SUCCESS.
type NVMLError int32

// nvmlErrorNames is NVML's status table (nvml.h), kept locally so messages do not depend on
// nvmlErrorString being present.
var nvmlErrorNames = map[NVMLError][2]string{
	1:   {"NVML_ERROR_UNINITIALIZED", "NVML was not initialized"},
	2:   {"NVML_ERROR_INVALID_ARGUMENT", "invalid argument"},
	3:   {"NVML_ERROR_NOT_SUPPORTED", "not supported by this device"},
	4:   {"NVML_ERROR_NO_PERMISSION", "no permission"},
	5:   {"NVML_ERROR_ALREADY_INITIALIZED", "already initialized"},
	6:   {"NVML_ERROR_NOT_FOUND", "not found"},
	7:   {"NVML_ERROR_INSUFFICIENT_SIZE", "buffer too small"},
	8:   {"NVML_ERROR_INSUFFICIENT_POWER", "external power cables not connected"},
	9:   {"NVML_ERROR_DRIVER_NOT_LOADED", "the NVIDIA driver is not loaded"},
	10:  {"NVML_ERROR_TIMEOUT", "timed out"},
	11:  {"NVML_ERROR_IRQ_ISSUE", "interrupt problem with the GPU"},
	12:  {"NVML_ERROR_LIBRARY_NOT_FOUND", "a library NVML needs was not found"},
	13:  {"NVML_ERROR_FUNCTION_NOT_FOUND", "function missing from the driver"},
	14:  {"NVML_ERROR_CORRUPTED_INFOROM", "the GPU's infoROM is corrupted"},
	15:  {"NVML_ERROR_GPU_IS_LOST", "the GPU fell off the bus"},
	16:  {"NVML_ERROR_RESET_REQUIRED", "the GPU needs a reset"},
	17:  {"NVML_ERROR_OPERATING_SYSTEM", "the operating system blocked the call"},
	18:  {"NVML_ERROR_LIB_RM_VERSION_MISMATCH", "NVML and the kernel driver versions differ (reboot after a driver update)"},
	19:  {"NVML_ERROR_IN_USE", "in use"},
	20:  {"NVML_ERROR_MEMORY", "out of memory"},
	21:  {"NVML_ERROR_NO_DATA", "no data"},
	22:  {"NVML_ERROR_VGPU_ECC_NOT_SUPPORTED", "ECC not supported on vGPU"},
	23:  {"NVML_ERROR_INSUFFICIENT_RESOURCES", "insufficient resources"},
	24:  {"NVML_ERROR_FREQ_NOT_SUPPORTED", "frequency not supported"},
	25:  {"NVML_ERROR_ARGUMENT_VERSION_MISMATCH", "structure version mismatch"},
	26:  {"NVML_ERROR_DEPRECATED", "deprecated"},
	27:  {"NVML_ERROR_NOT_READY", "not ready"},
	28:  {"NVML_ERROR_GPU_NOT_FOUND", "GPU not found"},
	29:  {"NVML_ERROR_INVALID_STATE", "invalid state"},
	999: {"NVML_ERROR_UNKNOWN", "unknown error"},
}

// Name is the nvml.h constant, e.g. NVML_ERROR_NOT_SUPPORTED.
func (e NVMLError) Name() string {
	if n, ok := nvmlErrorNames[e]; ok {
		return n[0]
	}
	return fmt.Sprintf("NVML_ERROR_%d", int32(e))
}

func (e NVMLError) Error() string {
	if n, ok := nvmlErrorNames[e]; ok {
		return n[0] + ": " + n[1]
	}
	return fmt.Sprintf("NVML status %d", int32(e))
}
