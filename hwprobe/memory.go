package hwprobe

import (
	"context"
	"fmt"
	"runtime"

	"slmscope/internal/units"

	"github.com/shirou/gopsutil/v3/mem"
)

// RAM is system memory as a program started from here can use it. TotalBytes and
// AvailableBytes are already capped by a cgroup limit when one applies; the Host* fields keep
// the machine's own figures.
type RAM struct {
	TotalBytes     uint64 `json:"total_bytes"`
	AvailableBytes uint64 `json:"available_bytes"`
	UsedBytes      uint64 `json:"used_bytes"`

	HostTotalBytes     uint64 `json:"host_total_bytes"`
	HostAvailableBytes uint64 `json:"host_available_bytes"`
	SwapTotalBytes     uint64 `json:"swap_total_bytes"`
	SwapUsedBytes      uint64 `json:"swap_used_bytes"`

	// CgroupLimitBytes is the tightest memory limit of this process's cgroup and its parents,
	// 0 when none applies (CgroupNote says which).
	CgroupLimitBytes uint64 `json:"cgroup_limit_bytes"`
	// CgroupUsageBytes is what the cgroup uses now, reclaimable page cache excluded.
	CgroupUsageBytes uint64 `json:"cgroup_usage_bytes"`
	CgroupVersion    int    `json:"cgroup_version,omitempty"`
	CgroupPath       string `json:"cgroup_path,omitempty"`
	CgroupNote       string `json:"cgroup_note,omitempty"`

	Source  string  `json:"source"`
	Unknown Unknown `json:"unknown,omitempty"`
}

// Memory returns usable RAM now: the host's figures from gopsutil, capped by the cgroup (v1 or
// v2) memory limit on Linux. It is cheap (a few small file reads) and safe to call every second.
func Memory(ctx context.Context) (RAM, error) {
	return memoryWith(ctx, Options{})
}

// memoryWith reads memory through opts' root; ctx must already carry opts.ctx for gopsutil.
func memoryWith(ctx context.Context, opts Options) (RAM, error) {
	r := RAM{Source: "gopsutil mem.VirtualMemory"}
	if runtime.GOOS == "linux" || !opts.isHost() {
		r.Source = "gopsutil (" + opts.path("/proc/meminfo") + ")"
	}
	vm, err := mem.VirtualMemoryWithContext(opts.ctx(ctx))
	if err != nil {
		return r, fmt.Errorf("could not read system memory (%s): %w", r.Source, err)
	}
	r.HostTotalBytes, r.HostAvailableBytes = vm.Total, vm.Available
	r.TotalBytes, r.AvailableBytes = vm.Total, vm.Available
	if runtime.GOOS == "linux" || !opts.isHost() {
		// meminfo has swap too; gopsutil's SwapMemory asks sysinfo(2), which ignores the root.
		r.SwapTotalBytes, r.SwapUsedBytes = vm.SwapTotal, vm.SwapTotal-min(vm.SwapFree, vm.SwapTotal)
	} else if sw, err := mem.SwapMemoryWithContext(opts.ctx(ctx)); err == nil {
		r.SwapTotalBytes, r.SwapUsedBytes = sw.Total, sw.Used
	} else {
		r.Unknown.set("swap_total_bytes", err.Error())
	}

	if runtime.GOOS != "linux" && opts.isHost() {
		r.CgroupNote = "no cgroup limit: cgroups exist only on Linux"
	} else {
		cg := readCgroupMemory(opts.root())
		r.CgroupVersion, r.CgroupPath, r.CgroupNote = cg.Version, cg.Path, cg.Note
		if cg.Limit > 0 && cg.Limit < r.HostTotalBytes {
			r.CgroupLimitBytes = cg.Limit
			r.CgroupUsageBytes = cg.Usage
			r.TotalBytes = cg.Limit
			free := uint64(0)
			if cg.Usage < cg.Limit {
				free = cg.Limit - cg.Usage
			}
			r.AvailableBytes = min(r.AvailableBytes, free)
			r.Source += " capped by cgroup " + cg.Source
		} else if cg.Limit > 0 {
			r.CgroupNote = fmt.Sprintf("cgroup limit %s is above physical RAM, so it does not cap anything", units.BytesU(cg.Limit))
		}
	}
	if r.TotalBytes >= r.AvailableBytes {
		r.UsedBytes = r.TotalBytes - r.AvailableBytes
	}
	return r, nil
}
