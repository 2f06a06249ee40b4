package hwprobe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Power is what the OS tells about energy: the power source, RAPL energy counters (CPU
// package and DRAM on Intel and AMD under Linux) and GPU power from NVML or sysfs.
type Power struct {
	// Source is "ac", "battery" or "unknown"; BatterySource says how it was found.
	Source         string  `json:"source"`
	OnBattery      bool    `json:"on_battery"`
	BatteryPercent float64 `json:"battery_percent,omitempty"`
	BatterySource  string  `json:"battery_source"`

	// RAPL lists the energy counters; read them twice and divide by the time for watts.
	RAPL     []RAPLZone `json:"rapl"`
	RAPLNote string     `json:"rapl_note,omitempty"`

	// GPUWatts is the sum of GPU power draws that were readable (NVML, ROCm SMI, amdgpu hwmon).
	GPUWatts       float64 `json:"gpu_watts"`
	GPUWattsSource string  `json:"gpu_watts_source"`
}

// RAPLZone is one powercap energy counter.
type RAPLZone struct {
	Name string `json:"name"` // package-0, dram, core, ...
	Path string `json:"path"`
	// EnergyJoules is the counter now; it wraps at MaxEnergyJoules.
	EnergyJoules    float64 `json:"energy_joules"`
	MaxEnergyJoules float64 `json:"max_energy_joules"`
}

func probePower(opts Options, gpus []GPU) Power {
	p := Power{Source: "unknown", RAPL: []RAPLZone{}}
	if runtime.GOOS == "linux" || !opts.isHost() {
		p.Source, p.OnBattery, p.BatteryPercent, p.BatterySource = sysfsPowerSupply(opts)
		zones, err := ReadRAPL(opts)
		if err != nil {
			p.RAPLNote = "not available (" + err.Error() + ")"
		}
		p.RAPL = append(p.RAPL, zones...)
	} else {
		p.Source, p.OnBattery, p.BatteryPercent, p.BatterySource = hostPowerSource()
		p.RAPLNote = "not available (RAPL counters are read only on Linux)"
	}
	var srcs []string
	for _, g := range gpus {
		if g.PowerWatts > 0 {
			p.GPUWatts += g.PowerWatts
			srcs = append(srcs, fmt.Sprintf("%s %d: %s", g.Vendor, g.Index, g.Source))
		}
	}
	switch {
	case len(srcs) > 0:
		p.GPUWattsSource = strings.Join(srcs, "; ")
	case len(gpus) == 0:
		p.GPUWattsSource = "not available (no GPU found)"
	default:
		p.GPUWattsSource = "not available (no GPU reported its power draw)"
	}
	return p
}

// ReadRAPL reads every RAPL zone and sub-zone under /sys/class/powercap. Since Linux 5.10
// energy_uj is readable by root only; the error says so.
func ReadRAPL(opts Options) ([]RAPLZone, error) {
	base := opts.path("/sys/class/powercap")
	dirs, _ := filepath.Glob(filepath.Join(base, "*-rapl:*"))
	if len(dirs) == 0 {
		if _, err := os.Stat(base); err != nil {
			return nil, fmt.Errorf("%s is missing: the kernel exposes no power capping here (a VM, or no intel_rapl driver)", base)
		}
		return nil, fmt.Errorf("no RAPL zones under %s", base)
	}
	sort.Strings(dirs)
	var zones []RAPLZone
	var denied bool
	var lastErr error
	for _, d := range dirs {
		name := readTrim(filepath.Join(d, "name"))
		uj, err := readUint(filepath.Join(d, "energy_uj"))
		if err != nil {
			if errors.Is(err, os.ErrPermission) {
				denied = true
			}
			lastErr = err
			continue
		}
		maxUJ, _ := readUint(filepath.Join(d, "max_energy_range_uj"))
		zones = append(zones, RAPLZone{Name: name, Path: d, EnergyJoules: float64(uj) / 1e6, MaxEnergyJoules: float64(maxUJ) / 1e6})
	}
	switch {
	case len(zones) > 0:
		return zones, nil
	case denied:
		return nil, fmt.Errorf("%s/*/energy_uj is readable by root only (Linux 5.10+); run `sudo chmod o+r` on it to allow energy figures", base)
	default:
		return nil, fmt.Errorf("RAPL counters unreadable: %v", lastErr)
	}
}

// sysfsPowerSupply reads /sys/class/power_supply: mains online, battery status and capacity.
func sysfsPowerSupply(opts Options) (source string, onBattery bool, percent float64, how string) {
	base := opts.path("/sys/class/power_supply")
	entries, err := os.ReadDir(base)
	if err != nil {
		return "unknown", false, 0, fmt.Sprintf("unknown (%s is missing)", base)
	}
	var mainsOnline, mainsSeen, batSeen, discharging bool
	for _, e := range entries {
		d := filepath.Join(base, e.Name())
		switch readTrim(filepath.Join(d, "type")) {
		case "Mains", "USB":
			if readTrim(filepath.Join(d, "online")) == "1" {
				mainsOnline = true
			}
			mainsSeen = true
		case "Battery":
			if readTrim(filepath.Join(d, "scope")) == "Device" { // a mouse or keyboard battery
				continue
			}
			batSeen = true
			if readTrim(filepath.Join(d, "status")) == "Discharging" {
				discharging = true
			}
			if c, err := strconv.ParseFloat(readTrim(filepath.Join(d, "capacity")), 64); err == nil {
				percent = c
			}
		}
	}
	switch {
	case !batSeen && !mainsSeen:
		return "unknown", false, 0, fmt.Sprintf("unknown (%s lists no battery or mains adapter: a desktop, server or VM)", base)
	case !batSeen:
		return "ac", false, 0, "sysfs (" + base + "): mains adapter, no battery"
	case discharging || (mainsSeen && !mainsOnline):
		return "battery", true, percent, "sysfs (" + base + ")"
	default:
		return "ac", false, percent, "sysfs (" + base + ")"
	}
}
