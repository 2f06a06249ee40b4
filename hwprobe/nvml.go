//go:build linux || windows

package hwprobe

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// nvmlDevice is an nvmlDevice_t handle.
type nvmlDevice uintptr

// nvmlMemoryV1 is nvmlMemory_t.
type nvmlMemoryV1 struct{ Total, Free, Used uint64 }

// nvmlMemoryV2 is nvmlMemory_v2_t; Version must be nvmlMemoryV2Version.
type nvmlMemoryV2 struct {
	Version                     uint32
	_                           uint32
	Total, Reserved, Free, Used uint64
}

// nvmlMemoryV2Version is NVML_STRUCT_VERSION(Memory, 2).
const nvmlMemoryV2Version = uint32(unsafe.Sizeof(nvmlMemoryV2{})) | 2<<24

// nvmlUtilization is nvmlUtilization_t.
type nvmlUtilization struct{ GPU, Memory uint32 }

const (
	nvmlClockMem       = 2 // NVML_CLOCK_MEM
	nvmlTemperatureGPU = 0 // NVML_TEMPERATURE_GPU
	nvmlStringSize     = 256
)

// nvmlAPI holds the NVML functions found in the library; a nil function means the library
// (an older driver) does not export it, and missing[field] says which symbols were tried.
type nvmlAPI struct {
	lib     *library
	missing map[string]string

	// nvmlReturn_t nvmlInit_v2(void)  (fallback nvmlInit)
	Init func() int32
	// nvmlReturn_t nvmlShutdown(void)
	Shutdown func() int32
	// nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
	SystemGetDriverVersion func(buf *byte, n uint32) int32
	// nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion)  (fallback without _v2)
	SystemGetCudaDriverVersion func(v *int32) int32
	// nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)  (fallback nvmlDeviceGetCount)
	DeviceGetCount func(n *uint32) int32
	// nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
	DeviceGetHandleByIndex func(i uint32, d *nvmlDevice) int32
	// nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
	DeviceGetName func(d nvmlDevice, buf *byte, n uint32) int32
	// nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
	DeviceGetUUID func(d nvmlDevice, buf *byte, n uint32) int32
	// nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)
	DeviceGetMemoryInfoV2 func(d nvmlDevice, m *nvmlMemoryV2) int32
	// nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
	DeviceGetMemoryInfo func(d nvmlDevice, m *nvmlMemoryV1) int32
	// nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor)
	DeviceGetCudaComputeCapability func(d nvmlDevice, major, minor *int32) int32
	// nvmlReturn_t nvmlDeviceGetMemoryBusWidth(nvmlDevice_t device, unsigned int *busWidth)
	DeviceGetMemoryBusWidth func(d nvmlDevice, w *uint32) int32
	// nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock)
	DeviceGetMaxClockInfo func(d nvmlDevice, typ uint32, mhz *uint32) int32
	// nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *currLinkGen)
	DeviceGetCurrPcieLinkGeneration func(d nvmlDevice, g *uint32) int32
	// nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *currLinkWidth)
	DeviceGetCurrPcieLinkWidth func(d nvmlDevice, w *uint32) int32
	// nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)  (milliwatts)
	DeviceGetPowerUsage func(d nvmlDevice, mw *uint32) int32
	// nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)  (fallback nvmlDeviceGetPowerManagementLimit)
	DeviceGetPowerLimit func(d nvmlDevice, mw *uint32) int32
	// nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType, unsigned int *temp)
	DeviceGetTemperature func(d nvmlDevice, sensor uint32, c *uint32) int32
	// nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
	DeviceGetUtilizationRates func(d nvmlDevice, u *nvmlUtilization) int32
}

// bind registers the first of names the library exports into fptr. It never panics on a
// missing symbol: the field stays nil and the miss is recorded.
func (api *nvmlAPI) bind(field string, fptr any, names ...string) {
	for _, n := range names {
		if addr, err := api.lib.sym(n); err == nil && addr != 0 {
			purego.RegisterFunc(fptr, addr)
			return
		}
	}
	api.missing[field] = fmt.Sprintf("this NVML library (%s) has no %s; the NVIDIA driver is probably too old", api.lib.path, strings.Join(names, " or "))
}

func loadNVML(path string) (*nvmlAPI, error) {
	lib, err := openLibrary(path)
	if err != nil && path == defaultNVMLLibrary {
		for _, p := range nvmlFallbackPaths() {
			if l, e := openLibrary(p); e == nil {
				lib, err = l, nil
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	api := &nvmlAPI{lib: lib, missing: map[string]string{}}
	api.bind("init", &api.Init, "nvmlInit_v2", "nvmlInit")
	api.bind("shutdown", &api.Shutdown, "nvmlShutdown")
	api.bind("driver", &api.SystemGetDriverVersion, "nvmlSystemGetDriverVersion")
	api.bind("cuda_version", &api.SystemGetCudaDriverVersion, "nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion")
	api.bind("count", &api.DeviceGetCount, "nvmlDeviceGetCount_v2", "nvmlDeviceGetCount")
	api.bind("handle", &api.DeviceGetHandleByIndex, "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex")
	api.bind("name", &api.DeviceGetName, "nvmlDeviceGetName")
	api.bind("uuid", &api.DeviceGetUUID, "nvmlDeviceGetUUID")
	api.bind("memory_v2", &api.DeviceGetMemoryInfoV2, "nvmlDeviceGetMemoryInfo_v2")
	api.bind("memory", &api.DeviceGetMemoryInfo, "nvmlDeviceGetMemoryInfo")
	api.bind("compute_capability", &api.DeviceGetCudaComputeCapability, "nvmlDeviceGetCudaComputeCapability")
	api.bind("memory_bus_width_bits", &api.DeviceGetMemoryBusWidth, "nvmlDeviceGetMemoryBusWidth")
	api.bind("max_memory_clock_mhz", &api.DeviceGetMaxClockInfo, "nvmlDeviceGetMaxClockInfo")
	api.bind("pcie_generation", &api.DeviceGetCurrPcieLinkGeneration, "nvmlDeviceGetCurrPcieLinkGeneration")
	api.bind("pcie_width", &api.DeviceGetCurrPcieLinkWidth, "nvmlDeviceGetCurrPcieLinkWidth")
	api.bind("power_watts", &api.DeviceGetPowerUsage, "nvmlDeviceGetPowerUsage")
	api.bind("power_limit_watts", &api.DeviceGetPowerLimit, "nvmlDeviceGetEnforcedPowerLimit", "nvmlDeviceGetPowerManagementLimit")
	api.bind("temperature_c", &api.DeviceGetTemperature, "nvmlDeviceGetTemperature")
	api.bind("busy_percent", &api.DeviceGetUtilizationRates, "nvmlDeviceGetUtilizationRates")
	return api, nil
}

// probeNVML lists NVIDIA GPUs through NVML. An error is a readable reason for "no NVIDIA GPU";
// per-field failures land in each GPU's Unknown map.
func probeNVML(path string) ([]GPU, error) {
	api, err := loadNVML(path)
	if err != nil {
		return nil, fmt.Errorf("no NVIDIA driver: %w", err)
	}
	for _, f := range []string{"init", "count", "handle"} {
		if reason, ok := api.missing[f]; ok {
			api.lib.close()
			return nil, fmt.Errorf("NVIDIA NVML unusable: %s", reason)
		}
	}
	// NVML wants init, queries and shutdown on one thread only in old drivers; stay put.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := nvmlErr(api.Init()); err != nil {
		api.lib.close()
		return nil, fmt.Errorf("NVIDIA NVML (%s) failed to start: %w", api.lib.path, err)
	}
	defer func() {
		if api.Shutdown != nil {
			api.Shutdown()
		}
		api.lib.close()
	}()
	return api.listGPUs(api.systemVersions())
}

// systemVersions reads the driver version and the CUDA version it supports, which every GPU
// shares; a failed or missing query leaves its string empty and says why in unknown.
func (api *nvmlAPI) systemVersions() (driver, cuda string, unknown Unknown) {
	if api.SystemGetDriverVersion != nil {
		buf := make([]byte, 80)
		if err := nvmlErr(api.SystemGetDriverVersion(&buf[0], uint32(len(buf)))); err == nil {
			driver = cString(buf)
		} else {
			unknown.set("driver", "NVML: "+err.Error())
		}
	} else {
		unknown.set("driver", api.missing["driver"])
	}
	if api.SystemGetCudaDriverVersion != nil {
		var v int32
		if err := nvmlErr(api.SystemGetCudaDriverVersion(&v)); err == nil {
			cuda = fmt.Sprintf("%d.%d", v/1000, v%1000/10)
		} else {
			unknown.set("cuda_version", "NVML: "+err.Error())
		}
	} else {
		unknown.set("cuda_version", api.missing["cuda_version"])
	}
	return driver, cuda, unknown
}

// listGPUs queries every GPU NVML counts, each carrying the system-wide driver, cuda and
// sysUnknown; a GPU NVML cannot open is still listed, by index, with the reason.
func (api *nvmlAPI) listGPUs(driver, cuda string, sysUnknown Unknown) ([]GPU, error) {
	var count uint32
	if err := nvmlErr(api.DeviceGetCount(&count)); err != nil {
		return nil, fmt.Errorf("NVIDIA NVML could not count GPUs: %w", err)
	}
	if count == 0 {
		return nil, errors.New("NVIDIA driver loaded, but NVML lists no GPU")
	}
	var gpus []GPU
	for i := uint32(0); i < count; i++ {
		g := GPU{Vendor: "NVIDIA", Index: int(i), Driver: driver, CUDAVersion: cuda, Source: "NVML (" + api.lib.path + ")"}
		for k, v := range sysUnknown {
			g.Unknown.set(k, v)
		}
		var dev nvmlDevice
		if err := nvmlErr(api.DeviceGetHandleByIndex(i, &dev)); err != nil {
			g.Name = fmt.Sprintf("NVIDIA GPU %d", i)
			g.Unknown.set("name", "NVML could not open this GPU: "+err.Error())
			gpus = append(gpus, g)
			continue
		}
		api.fillDevice(&g, dev)
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// fillDevice queries one device; each failed or missing query becomes an Unknown entry.
func (api *nvmlAPI) fillDevice(g *GPU, dev nvmlDevice) {
	query := fieldQuery(g, "NVML", api.missing, nvmlErr)
	api.fillNames(g, dev, query)
	api.fillMemory(g, dev, query)
	var major, minor int32
	if query("compute_capability", api.DeviceGetCudaComputeCapability != nil, func() int32 { return api.DeviceGetCudaComputeCapability(dev, &major, &minor) }) {
		g.ComputeCapability = fmt.Sprintf("%d.%d", major, minor)
	}
	api.fillMemoryBus(g, dev, query)
	api.fillStatus(g, dev, query)
}

// nvmlQuery runs one NVML call for a GPU field: false, with the reason in the GPU's Unknown
// map, when the symbol is missing (present is false) or the call fails.
type nvmlQuery = func(field string, present bool, call func() int32) bool

// fillNames reads the device's name (a numbered stand-in when NVML gives none) and UUID.
func (api *nvmlAPI) fillNames(g *GPU, dev nvmlDevice, query nvmlQuery) {
	buf := make([]byte, nvmlStringSize)
	if query("name", api.DeviceGetName != nil, func() int32 { return api.DeviceGetName(dev, &buf[0], nvmlStringSize) }) {
		g.Name = cString(buf)
	} else {
		g.Name = fmt.Sprintf("NVIDIA GPU %d", g.Index)
	}
	buf = make([]byte, nvmlStringSize)
	if query("uuid", api.DeviceGetUUID != nil, func() int32 { return api.DeviceGetUUID(dev, &buf[0], nvmlStringSize) }) {
		g.UUID = cString(buf)
	}
}

// fillMemory reads total, free and used memory: through the v2 call where the library has
// it, else the v1 call.
func (api *nvmlAPI) fillMemory(g *GPU, dev nvmlDevice, query nvmlQuery) {
	if api.DeviceGetMemoryInfoV2 != nil {
		m2 := nvmlMemoryV2{Version: nvmlMemoryV2Version}
		if err := nvmlErr(api.DeviceGetMemoryInfoV2(dev, &m2)); err == nil {
			g.MemoryTotalBytes, g.MemoryFreeBytes, g.MemoryUsedBytes = m2.Total, m2.Free, m2.Used
		} else {
			g.Unknown.set("memory_total_bytes", "NVML: "+err.Error())
		}
		return
	}
	var m1 nvmlMemoryV1
	if query("memory", api.DeviceGetMemoryInfo != nil, func() int32 { return api.DeviceGetMemoryInfo(dev, &m1) }) {
		g.MemoryTotalBytes, g.MemoryFreeBytes, g.MemoryUsedBytes = m1.Total, m1.Free, m1.Used
	} else {
		g.Unknown.set("memory_total_bytes", g.Unknown["memory"])
		delete(g.Unknown, "memory")
	}
}

// fillMemoryBus reads the memory bus width and max memory clock and, when both are known,
// the theoretical bandwidth they give.
func (api *nvmlAPI) fillMemoryBus(g *GPU, dev nvmlDevice, query nvmlQuery) {
	var u32 uint32
	if query("memory_bus_width_bits", api.DeviceGetMemoryBusWidth != nil, func() int32 { return api.DeviceGetMemoryBusWidth(dev, &u32) }) {
		g.MemoryBusWidthBits = int(u32)
	}
	if query("max_memory_clock_mhz", api.DeviceGetMaxClockInfo != nil, func() int32 { return api.DeviceGetMaxClockInfo(dev, nvmlClockMem, &u32) }) {
		g.MaxMemoryClockMHz = int(u32)
	}
	if g.MemoryBusWidthBits > 0 && g.MaxMemoryClockMHz > 0 {
		// NVML's memory clock counts one edge; data moves on both (DDR), hence × 2.
		g.BandwidthGBps = float64(g.MaxMemoryClockMHz) * 2 * float64(g.MemoryBusWidthBits) / 8 / 1000
		g.BandwidthSource = fmt.Sprintf("theoretical: %d-bit bus × %d MHz max memory clock × 2 (NVML)", g.MemoryBusWidthBits, g.MaxMemoryClockMHz)
	} else {
		g.Unknown.set("bandwidth_gbps", "needs NVML's memory bus width and max memory clock, which are unknown")
	}
}

// fillStatus reads the current PCIe link, power draw and limit, temperature and load.
func (api *nvmlAPI) fillStatus(g *GPU, dev nvmlDevice, query nvmlQuery) {
	var u32 uint32
	if query("pcie_generation", api.DeviceGetCurrPcieLinkGeneration != nil, func() int32 { return api.DeviceGetCurrPcieLinkGeneration(dev, &u32) }) {
		g.PCIeGeneration = int(u32)
	}
	if query("pcie_width", api.DeviceGetCurrPcieLinkWidth != nil, func() int32 { return api.DeviceGetCurrPcieLinkWidth(dev, &u32) }) {
		g.PCIeWidth = int(u32)
	}
	if query("power_watts", api.DeviceGetPowerUsage != nil, func() int32 { return api.DeviceGetPowerUsage(dev, &u32) }) {
		g.PowerWatts = float64(u32) / 1000
	}
	if query("power_limit_watts", api.DeviceGetPowerLimit != nil, func() int32 { return api.DeviceGetPowerLimit(dev, &u32) }) {
		g.PowerLimitWatts = float64(u32) / 1000
	}
	if query("temperature_c", api.DeviceGetTemperature != nil, func() int32 { return api.DeviceGetTemperature(dev, nvmlTemperatureGPU, &u32) }) {
		g.TemperatureC = int(u32)
	}
	var util nvmlUtilization
	if query("busy_percent", api.DeviceGetUtilizationRates != nil, func() int32 { return api.DeviceGetUtilizationRates(dev, &util) }) {
		g.BusyPercent = int(util.GPU)
	}
}

// nvmlErr turns a return code into nil or an NVMLError.
func nvmlErr(code int32) error {
	if code == 0 {
		return nil
	}
	return NVMLError(code)
}

// cString reads a NUL-terminated string from buf.
func cString(buf []byte) string {
	for i, b := range buf {
		if b == 0 {
			return string(buf[:i])
		}
	}
	return string(buf)
}
