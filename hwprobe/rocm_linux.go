package hwprobe

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/ebitengine/purego"
)

// RSMIError is an rsmi_status_t other than RSMI_STATUS_SUCCESS.
type RSMIError uint32

var rsmiErrorNames = map[RSMIError]string{
	1: "RSMI_STATUS_INVALID_ARGS", 2: "RSMI_STATUS_NOT_SUPPORTED", 3: "RSMI_STATUS_FILE_ERROR",
	4: "RSMI_STATUS_PERMISSION", 5: "RSMI_STATUS_OUT_OF_RESOURCES", 6: "RSMI_STATUS_INTERNAL_EXCEPTION",
	7: "RSMI_STATUS_INPUT_OUT_OF_BOUNDS", 8: "RSMI_STATUS_INIT_ERROR", 9: "RSMI_STATUS_NOT_YET_IMPLEMENTED",
	10: "RSMI_STATUS_NOT_FOUND", 11: "RSMI_STATUS_INSUFFICIENT_SIZE", 12: "RSMI_STATUS_INTERRUPT",
	13: "RSMI_STATUS_UNEXPECTED_SIZE", 14: "RSMI_STATUS_NO_DATA", 15: "RSMI_STATUS_UNEXPECTED_DATA",
	16: "RSMI_STATUS_BUSY", 17: "RSMI_STATUS_REFCOUNT_OVERFLOW", 0xFFFFFFFF: "RSMI_STATUS_UNKNOWN_ERROR",
}

func (e RSMIError) Error() string {
	if n, ok := rsmiErrorNames[e]; ok {
		return n
	}
	return fmt.Sprintf("ROCm SMI status %d", uint32(e))
}

func rsmiErr(code uint32) error {
	if code == 0 {
		return nil
	}
	return RSMIError(code)
}

const rsmiMemTypeVRAM = 0 // RSMI_MEM_TYPE_VRAM

// rsmiAPI holds the ROCm SMI functions; nil means the library lacks the symbol.
type rsmiAPI struct {
	lib     *library
	missing map[string]string
	// rsmi_status_t rsmi_init(uint64_t init_flags)
	Init func(flags uint64) uint32
	// rsmi_status_t rsmi_shut_down(void)
	ShutDown func() uint32
	// rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices)
	NumMonitorDevices func(n *uint32) uint32
	// rsmi_status_t rsmi_dev_name_get(uint32_t dv_ind, char *name, size_t len)
	DevNameGet func(i uint32, buf *byte, n uintptr) uint32
	// rsmi_status_t rsmi_dev_memory_total_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *total)
	DevMemoryTotalGet func(i uint32, typ uint32, total *uint64) uint32
	// rsmi_status_t rsmi_dev_memory_usage_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *used)
	DevMemoryUsageGet func(i uint32, typ uint32, used *uint64) uint32
	// rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent)
	DevBusyPercentGet func(i uint32, pct *uint32) uint32
	// rsmi_status_t rsmi_dev_power_ave_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *power)  (microwatts)
	DevPowerAveGet func(i, sensor uint32, uw *uint64) uint32
	// rsmi_status_t rsmi_dev_pci_id_get(uint32_t dv_ind, uint64_t *bdfid)
	DevPCIIDGet func(i uint32, bdf *uint64) uint32
}

func (api *rsmiAPI) bind(field string, fptr any, name string) {
	if addr, err := api.lib.sym(name); err == nil && addr != 0 {
		purego.RegisterFunc(fptr, addr)
		return
	}
	api.missing[field] = fmt.Sprintf("this ROCm SMI library (%s) has no %s", api.lib.path, name)
}

// probeROCmSMI lists AMD GPUs through ROCm SMI. A missing library is not an error worth a
// note on its own: sysfs covers AMD GPUs then, and probeDRM says so.
func probeROCmSMI(path string) ([]GPU, error) {
	lib, err := openLibrary(path)
	if err != nil {
		return nil, nil
	}
	api := &rsmiAPI{lib: lib, missing: map[string]string{}}
	api.bind("init", &api.Init, "rsmi_init")
	api.bind("shutdown", &api.ShutDown, "rsmi_shut_down")
	api.bind("count", &api.NumMonitorDevices, "rsmi_num_monitor_devices")
	api.bind("name", &api.DevNameGet, "rsmi_dev_name_get")
	api.bind("memory_total_bytes", &api.DevMemoryTotalGet, "rsmi_dev_memory_total_get")
	api.bind("memory_used_bytes", &api.DevMemoryUsageGet, "rsmi_dev_memory_usage_get")
	api.bind("busy_percent", &api.DevBusyPercentGet, "rsmi_dev_busy_percent_get")
	api.bind("power_watts", &api.DevPowerAveGet, "rsmi_dev_power_ave_get")
	api.bind("pci_bus_id", &api.DevPCIIDGet, "rsmi_dev_pci_id_get")
	for _, f := range []string{"init", "count"} {
		if reason, ok := api.missing[f]; ok {
			lib.close()
			return nil, fmt.Errorf("AMD ROCm SMI unusable: %s", reason)
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := rsmiErr(api.Init(0)); err != nil {
		lib.close()
		return nil, fmt.Errorf("AMD ROCm SMI (%s) failed to start: %w", path, err)
	}
	defer func() {
		if api.ShutDown != nil {
			api.ShutDown()
		}
		lib.close()
	}()
	var n uint32
	if err := rsmiErr(api.NumMonitorDevices(&n)); err != nil {
		return nil, fmt.Errorf("AMD ROCm SMI could not count GPUs: %w", err)
	}
	if n == 0 {
		return nil, errors.New("AMD ROCm SMI is installed but lists no GPU")
	}
	var gpus []GPU
	for i := uint32(0); i < n; i++ {
		gpus = append(gpus, api.device(i, path))
	}
	return gpus, nil
}

// device describes GPU i of the ROCm SMI library at path: name, VRAM, load, power and PCI
// bus ID, each failed or missing query an Unknown entry.
func (api *rsmiAPI) device(i uint32, path string) GPU {
	g := GPU{Vendor: "AMD", Index: int(i), Source: "ROCm SMI (" + path + ")", Name: fmt.Sprintf("AMD GPU %d", i)}
	query := fieldQuery(&g, "ROCm SMI", api.missing, rsmiErr)
	buf := make([]byte, 256)
	if query("name", api.DevNameGet != nil, func() uint32 { return api.DevNameGet(i, &buf[0], uintptr(len(buf))) }) {
		if s := strings.TrimSpace(cString(buf)); s != "" {
			g.Name = s
		}
	}
	var total, used, bdf, uw uint64
	var busy uint32
	if query("memory_total_bytes", api.DevMemoryTotalGet != nil, func() uint32 { return api.DevMemoryTotalGet(i, rsmiMemTypeVRAM, &total) }) {
		g.MemoryTotalBytes = total
	}
	if query("memory_used_bytes", api.DevMemoryUsageGet != nil, func() uint32 { return api.DevMemoryUsageGet(i, rsmiMemTypeVRAM, &used) }) {
		g.MemoryUsedBytes = used
		if total >= used {
			g.MemoryFreeBytes = total - used
		}
	}
	if query("busy_percent", api.DevBusyPercentGet != nil, func() uint32 { return api.DevBusyPercentGet(i, &busy) }) {
		g.BusyPercent = int(busy)
	}
	if query("power_watts", api.DevPowerAveGet != nil, func() uint32 { return api.DevPowerAveGet(i, 0, &uw) }) {
		g.PowerWatts = float64(uw) / 1e6
	}
	if query("pci_bus_id", api.DevPCIIDGet != nil, func() uint32 { return api.DevPCIIDGet(i, &bdf) }) {
		// BDFID: domain << 32 | bus << 8 | device << 3 | function
		g.PCIBusID = fmt.Sprintf("%04x:%02x:%02x.%x", bdf>>32, (bdf>>8)&0xff, (bdf>>3)&0x1f, bdf&0x7)
	}
	g.Unknown.set("bandwidth_gbps", "ROCm SMI does not report the memory bus width")
	return g
}
