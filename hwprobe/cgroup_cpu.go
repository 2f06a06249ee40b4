package hwprobe

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// CPUQuota is the CPU time this process's cgroup (a container's, a systemd unit's, a CI
// runner's) allows it, in cores: quota over period, the tightest from its folder up to the
// mount. A quota does not take cores away, it stops every thread of the group for the rest of
// each period once the group has used its share, which llama.cpp's spin-waiting threads reach
// sooner than the threads of most programs (README, "Threads inside a CPU quota").
type CPUQuota struct {
	// Cores is quota / period, 0 when there is no quota.
	Cores float64 `json:"cores,omitempty"`
	// Source is the file that gave the quota.
	Source string `json:"source,omitempty"`
	// Note says why there is no quota, in words.
	Note string `json:"note,omitempty"`
}

// CoresText is the quota in words: "1 core", "1.5 cores".
func (q CPUQuota) CoresText() string {
	if q.Cores == 1 {
		return "1 core"
	}
	return strconv.FormatFloat(q.Cores, 'g', 3, 64) + " cores"
}

// ReadCPUQuota reads the running process's CPU quota.
func ReadCPUQuota() CPUQuota { return cpuQuotaFor(Options{}) }

// cpuQuotaFor reads the CPU quota of the system opts looks at (the host, or a fixture tree).
func cpuQuotaFor(opts Options) CPUQuota {
	if runtime.GOOS != "linux" && opts.isHost() {
		return CPUQuota{Note: "no CPU quota read: cgroups exist only on Linux"}
	}
	return readCgroupCPU(opts.root())
}

// readCgroupCPU finds this process's cpu cgroup under root (the v2 unified hierarchy's cpu.max,
// then the v1 cpu controller's cpu.cfs_quota_us and cpu.cfs_period_us) and the tightest quota.
func readCgroupCPU(root string) CPUQuota {
	lines, mounts, note := readCgroupInfo(root)
	if note != "" {
		return CPUQuota{Note: note}
	}
	v1Path, hasV1, v2Path, hasV2 := cgroupPaths(lines, "cpu")
	best := CPUQuota{Note: "no CPU quota: no cpu cgroup is mounted for this process"}
	found := false
	try := func(version int, cgPath string) {
		m, ok := controllerMount(mounts, version, "cpu")
		if !ok {
			return
		}
		leaf, mountDir := cgroupLeaf(root, m, cgPath)
		eachFolderUp(leaf, mountDir, func(dir string) {
			cores, file, ok := readCPUQuotaIn(dir, version)
			if file != "" && !found {
				found = true
				best = CPUQuota{Note: fmt.Sprintf("no CPU quota (cgroup v%d %s is unlimited)", version, file)}
			}
			if ok && (best.Cores == 0 || cores < best.Cores) {
				best = CPUQuota{Cores: cores, Source: fmt.Sprintf("cgroup v%d %s", version, file)}
			}
		})
	}
	if hasV2 {
		try(2, v2Path)
	}
	if hasV1 {
		try(1, v1Path)
	}
	return best
}

// readCPUQuotaIn reads one cgroup folder's quota in cores; file names the file read ("" when the
// folder has none) and ok is false when it says "no quota" or cannot be parsed.
func readCPUQuotaIn(dir string, version int) (cores float64, file string, ok bool) {
	var quota, period string
	if version == 2 {
		file = filepath.Join(dir, "cpu.max")
		b, err := os.ReadFile(file)
		if err != nil {
			return 0, "", false
		}
		f := strings.Fields(string(b))
		if len(f) != 2 {
			return 0, file, false
		}
		quota, period = f[0], f[1]
	} else {
		file = filepath.Join(dir, "cpu.cfs_quota_us")
		q, err1 := os.ReadFile(file)
		p, err2 := os.ReadFile(filepath.Join(dir, "cpu.cfs_period_us"))
		if err1 != nil || err2 != nil {
			return 0, "", false
		}
		quota, period = strings.TrimSpace(string(q)), strings.TrimSpace(string(p))
	}
	if quota == "max" || quota == "-1" {
		return 0, file, false
	}
	qv, err1 := strconv.ParseFloat(quota, 64)
	pv, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || qv <= 0 || pv <= 0 {
		return 0, file, false
	}
	return qv / pv, file, true
}
