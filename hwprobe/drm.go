package hwprobe

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// PCI vendor ids of the GPU makers sysfs can show.
const (
	pciVendorAMD    = "1002"
	pciVendorIntel  = "8086"
	pciVendorNVIDIA = "10de"
)

var vendorNames = map[string]string{pciVendorAMD: "AMD", pciVendorIntel: "Intel", pciVendorNVIDIA: "NVIDIA"}

var cardName = regexp.MustCompile(`^card[0-9]+$`)

// probeDRM lists GPUs from /sys/class/drm/card*/device. Vendors already answered by their own
// library (NVML, ROCm SMI) are skipped so a GPU is not listed twice.
func probeDRM(opts Options, haveNVML, haveROCm bool) ([]GPU, []string) {
	base := opts.path("/sys/class/drm")
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, []string{fmt.Sprintf("no GPU in sysfs: %s is missing (no GPU driver is loaded, or this is a container or VM without one)", base)}
	}
	var gpus []GPU
	var notes []string
	index := map[string]int{}
	for _, name := range cardNames(entries) {
		dev := filepath.Join(base, name, "device")
		vendor := strings.TrimPrefix(readTrim(filepath.Join(dev, "vendor")), "0x")
		device := strings.TrimPrefix(readTrim(filepath.Join(dev, "device")), "0x")
		if vendor == "" {
			continue
		}
		uevent := readKeyValues(filepath.Join(dev, "uevent"))
		if vendor == pciVendorNVIDIA && haveNVML || vendor == pciVendorAMD && haveROCm {
			continue
		}
		vname, ok := vendorNames[vendor]
		if !ok {
			vname = "PCI vendor " + vendor
		}
		g := GPU{Vendor: vname, Index: index[vname], PCIBusID: uevent["PCI_SLOT_NAME"], Driver: uevent["DRIVER"],
			Source: "sysfs (" + dev + ")"}
		index[vname]++
		g.Name = sysfsGPUName(opts, dev, vname, vendor, device)
		if note := fillVendorSysfs(&g, dev, vendor, name); note != "" {
			notes = append(notes, note)
		}
		gpus = append(gpus, g)
	}
	if len(gpus) == 0 && !haveNVML && !haveROCm {
		notes = append(notes, fmt.Sprintf("no GPU in sysfs: %s lists no graphics card", base))
	}
	return gpus, notes
}

// cardNames returns the cardN entries of /sys/class/drm in card number order.
func cardNames(entries []os.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if cardName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Slice(names, func(i, j int) bool { return cardNum(names[i]) < cardNum(names[j]) })
	return names
}

// sysfsGPUName names the GPU at sysfs folder dev: from the PCI ID database, else the
// driver's product_name, else vendor name and PCI IDs.
func sysfsGPUName(opts Options, dev, vname, vendor, device string) string {
	if n := pciDeviceName(opts, vendor, device); n != "" {
		return n
	}
	if p := readTrim(filepath.Join(dev, "product_name")); p != "" {
		return p
	}
	return fmt.Sprintf("%s GPU [%s:%s]", vname, vendor, device)
}

// fillVendorSysfs adds what sysfs tells about a GPU of PCI vendor vendor at folder dev, and
// why the rest is unknown. It returns a note for the report, or "" (card names an NVIDIA
// GPU whose NVML library could not be used).
func fillVendorSysfs(g *GPU, dev, vendor, card string) string {
	switch vendor {
	case pciVendorAMD:
		fillAMDSysfs(g, dev)
	case pciVendorIntel:
		g.Unknown.set("bandwidth_gbps", "sysfs does not give Intel GPU memory clocks")
		if strings.HasSuffix(g.PCIBusID, ":00:02.0") {
			g.UnifiedMemory = true
			g.Unknown.set("memory_total_bytes", "integrated GPU: it shares system RAM (see the RAM card)")
		} else {
			g.Unknown.set("memory_total_bytes", "the "+orDefault(g.Driver, "Intel")+" driver does not publish VRAM size in sysfs")
		}
	case pciVendorNVIDIA:
		g.Unknown.set("memory_total_bytes", "NVML is not available, and sysfs does not publish NVIDIA memory")
		return fmt.Sprintf("NVIDIA GPU %s found in sysfs, but its NVML library could not be used, so memory and bandwidth are unknown", orDefault(g.PCIBusID, card))
	default:
		g.Unknown.set("memory_total_bytes", "unknown GPU vendor: sysfs gives no memory figures")
	}
	return ""
}

// fillAMDSysfs reads amdgpu's memory and load files.
func fillAMDSysfs(g *GPU, dev string) {
	total, errT := readUint(filepath.Join(dev, "mem_info_vram_total"))
	used, errU := readUint(filepath.Join(dev, "mem_info_vram_used"))
	if errT != nil {
		g.Unknown.set("memory_total_bytes", "amdgpu's mem_info_vram_total is not readable: "+errT.Error())
	} else {
		g.MemoryTotalBytes = total
		if errU == nil && used <= total {
			g.MemoryUsedBytes, g.MemoryFreeBytes = used, total-used
		} else {
			g.Unknown.set("memory_free_bytes", "amdgpu's mem_info_vram_used is not readable")
		}
	}
	if gtt, err := readUint(filepath.Join(dev, "mem_info_gtt_total")); err == nil {
		g.SharedMemoryBytes = gtt
	}
	// An APU has a small VRAM carve-out and works from system RAM (GTT).
	if errT == nil && total <= 2<<30 && g.SharedMemoryBytes > total {
		g.UnifiedMemory = true
	}
	if b, err := readUint(filepath.Join(dev, "gpu_busy_percent")); err == nil {
		g.BusyPercent = int(b)
	}
	if hw, _ := filepath.Glob(filepath.Join(dev, "hwmon", "hwmon*", "power1_average")); len(hw) > 0 {
		if uw, err := readUint(hw[0]); err == nil {
			g.PowerWatts = float64(uw) / 1e6
		}
	}
	g.Unknown.set("bandwidth_gbps", "sysfs does not give the memory bus width (ROCm SMI was not found either)")
}

func cardNum(name string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(name, "card"))
	return n
}

func readTrim(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// readKeyValues parses KEY=value lines (uevent files).
func readKeyValues(file string) map[string]string {
	out := map[string]string{}
	lines, _ := readLines(file)
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, "="); ok {
			out[k] = v
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pciDeviceName looks a vendor:device pair up in the system's pci.ids (hwdata), "" if absent.
func pciDeviceName(opts Options, vendor, device string) string {
	for _, p := range []string{"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids"} {
		if name, ok := lookupPCIIDs(opts.path(p), vendor, device); ok {
			return name
		}
	}
	return ""
}

// lookupPCIIDs scans a pci.ids file: vendor lines start at column 0, their devices follow
// indented by one tab.
func lookupPCIIDs(file, vendor, device string) (string, bool) {
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inVendor := false
	vendorName := ""
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		if l[0] != '\t' {
			if inVendor {
				return "", false
			}
			if strings.HasPrefix(l, vendor+"  ") {
				inVendor, vendorName = true, strings.TrimSpace(l[len(vendor):])
			}
			continue
		}
		if inVendor && len(l) > 1 && l[1] != '\t' && strings.HasPrefix(l[1:], device+"  ") {
			name := strings.TrimSpace(l[1+len(device):])
			if short, ok := vendorNames[vendor]; ok && !strings.Contains(name, short) {
				name = short + " " + name
			} else if !ok {
				name = vendorName + " " + name
			}
			return name, true
		}
	}
	return "", false
}
