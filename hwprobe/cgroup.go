package hwprobe

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupMemory is the memory limit found for this process's cgroup.
type cgroupMemory struct {
	Version int    // 1 or 2, 0 if no memory cgroup was found
	Path    string // the cgroup folder that was read (under root)
	Limit   uint64 // tightest limit from the leaf up to the mount, 0 = unlimited
	Usage   uint64 // leaf usage minus inactive file cache
	Source  string // file that gave the limit
	Note    string // why there is no limit, in words
}

// unlimitedV1 is the smallest value cgroup v1 uses to mean "no limit" (it reports
// PAGE_COUNTER_MAX rounded to the page size, e.g. 9223372036854771712).
const unlimitedV1 = 1 << 62

// mountEntry is one cgroup line of /proc/self/mountinfo.
type mountEntry struct {
	root, mountPoint, fsType string
	superOpts                []string
}

// readCgroupMemory finds this process's memory cgroup under root (v1 memory controller first,
// then the v2 unified hierarchy) and the tightest limit from its folder up to the mount point.
func readCgroupMemory(root string) cgroupMemory {
	lines, mounts, note := readCgroupInfo(root)
	if note != "" {
		return cgroupMemory{Note: note}
	}
	v1Path, hasV1, v2Path, hasV2 := cgroupPaths(lines, "memory")
	var notes []string
	if m, ok := controllerMount(mounts, 1, "memory"); ok && hasV1 {
		cg := walkCgroup(root, m, v1Path, 1)
		if cg.settled() {
			return cg
		}
		notes = append(notes, cg.Note)
	}
	if m, ok := controllerMount(mounts, 2, "memory"); ok && hasV2 {
		cg := walkCgroup(root, m, v2Path, 2)
		if cg.settled() {
			return cg
		}
		// A v2 hierarchy without the memory files says less than the v1 note before it.
		if len(notes) == 0 || cg.Version == 2 && !strings.Contains(cg.Note, " has no ") {
			notes = append(notes, cg.Note)
		}
	}
	if len(notes) == 0 {
		return cgroupMemory{Note: "no memory cgroup is mounted for this process"}
	}
	return cgroupMemory{Note: strings.Join(notes, "; ")}
}

// readCgroupInfo reads the process's /proc/self/cgroup lines and cgroup mounts under root; note
// says why when either cannot be read.
func readCgroupInfo(root string) (lines []string, mounts []mountEntry, note string) {
	lines, err := readLines(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return nil, nil, fmt.Sprintf("no cgroup information (%v)", err)
	}
	mounts, err = readCgroupMounts(filepath.Join(root, "proc/self/mountinfo"))
	if err != nil {
		return nil, nil, fmt.Sprintf("no cgroup mounts (%v)", err)
	}
	return lines, mounts, ""
}

// settled reports whether cg is the answer: a limit, or a cgroup read without trouble.
func (cg cgroupMemory) settled() bool { return cg.Limit > 0 || cg.Note == "" }

// cgroupPaths reads the process's cgroup paths from the lines of /proc/self/cgroup: the v1
// controller's (memory, cpu) and the v2 unified hierarchy's, each with whether it is there.
func cgroupPaths(lines []string, controller string) (v1Path string, hasV1 bool, v2Path string, hasV2 bool) {
	for _, l := range lines {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2Path, hasV2 = parts[2], true
			continue
		}
		if contains(strings.Split(parts[1], ","), controller) {
			v1Path, hasV1 = parts[2], true
		}
	}
	return v1Path, hasV1, v2Path, hasV2
}

// controllerMount finds the first mount of the cgroup version's hierarchy for a controller
// (memory, cpu): a v1 cgroup mount with that controller, or the v2 cgroup2 mount.
func controllerMount(mounts []mountEntry, version int, controller string) (mountEntry, bool) {
	for _, m := range mounts {
		if version == 1 && m.fsType == "cgroup" && contains(m.superOpts, controller) ||
			version == 2 && m.fsType == "cgroup2" {
			return m, true
		}
	}
	return mountEntry{}, false
}

// cgroupFiles names a cgroup version's memory files: the limit, the usage, and the
// memory.stat key of the inactive file cache that usage leaves out.
type cgroupFiles struct{ limit, usage, inactiveKey string }

var (
	cgroupV1Files = cgroupFiles{"memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"}
	cgroupV2Files = cgroupFiles{"memory.max", "memory.current", "inactive_file"}
)

// walkCgroup reads limits from the process's cgroup folder up to the mount point.
func walkCgroup(root string, m mountEntry, cgPath string, version int) cgroupMemory {
	leaf, mountDir := cgroupLeaf(root, m, cgPath)
	files := cgroupV1Files
	if version == 2 {
		files = cgroupV2Files
	}
	cg := cgroupMemory{Version: version, Path: leaf}
	var found bool
	cg.Limit, cg.Source, found = tightestLimit(leaf, mountDir, files.limit, version)
	if !found {
		cg.Note = fmt.Sprintf("cgroup v%d at %s has no %s", version, leaf, files.limit)
		return cg
	}
	if cg.Limit == 0 {
		cg.Note = fmt.Sprintf("no cgroup memory limit (cgroup v%d %s is unlimited)", version, files.limit)
		return cg
	}
	if u, err := readUint(filepath.Join(leaf, files.usage)); err == nil {
		inactive := statValue(filepath.Join(leaf, "memory.stat"), files.inactiveKey)
		if inactive < u {
			u -= inactive
		}
		cg.Usage = u
	}
	return cg
}

// cgroupLeaf is the process's cgroup folder under root for mount m and the mount's own folder.
func cgroupLeaf(root string, m mountEntry, cgPath string) (leaf, mountDir string) {
	mountDir = filepath.Join(root, m.mountPoint)
	leaf = filepath.Join(mountDir, path.Clean("/"+pathInMount(m, cgPath)))
	if _, err := os.Stat(leaf); err != nil {
		leaf = mountDir // the path from /proc/self/cgroup is not visible here (namespaced)
	}
	return leaf, mountDir
}

// pathInMount is cgPath relative to the root of mount m.
func pathInMount(m mountEntry, cgPath string) string {
	if m.root == "/" {
		return cgPath
	}
	if r, ok := strings.CutPrefix(cgPath, m.root); ok && (r == "" || strings.HasPrefix(r, "/")) {
		return r
	}
	return "/" // a cgroup namespace hides the path: the mount root is our cgroup
}

// tightestLimit reads limitFile in every folder from leaf up to mountDir and returns the
// smallest limit (0 = unlimited) and the file it came from; found is false when no folder
// has a readable limitFile.
func tightestLimit(leaf, mountDir, limitFile string, version int) (limit uint64, source string, found bool) {
	eachFolderUp(leaf, mountDir, func(dir string) {
		lim, ok, err := readLimit(filepath.Join(dir, limitFile))
		if err == nil {
			found = true
			if ok && (limit == 0 || lim < limit) {
				limit, source = lim, fmt.Sprintf("v%d %s", version, filepath.Join(dir, limitFile))
			}
		}
	})
	return limit, source, found
}

// eachFolderUp calls f for leaf and every folder above it up to mountDir, where a cgroup's
// parents can set tighter limits than it.
func eachFolderUp(leaf, mountDir string, f func(dir string)) {
	for dir := leaf; ; dir = filepath.Dir(dir) {
		f(dir)
		if dir == mountDir || len(dir) <= len(mountDir) {
			return
		}
	}
}

// readLimit reads a cgroup limit file; ok is false for "max" (v2) or the v1 "unlimited" value.
func readLimit(file string) (limit uint64, ok bool, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return 0, false, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s holds %q, not a number: %w", file, s, err)
	}
	if v >= unlimitedV1 {
		return 0, false, nil
	}
	return v, true, nil
}

func readUint(file string) (uint64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}

// statValue returns key's value in a "key value" file such as memory.stat, 0 if absent.
func statValue(file, key string) uint64 {
	lines, _ := readLines(file)
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == key {
			v, _ := strconv.ParseUint(f[1], 10, 64)
			return v
		}
	}
	return 0
}

// readCgroupMounts parses the cgroup and cgroup2 lines of a mountinfo file.
func readCgroupMounts(file string) ([]mountEntry, error) {
	lines, err := readLines(file)
	if err != nil {
		return nil, err
	}
	var out []mountEntry
	for _, l := range lines {
		// 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:1 - cgroup cgroup rw,memory
		pre, post, ok := strings.Cut(l, " - ")
		if !ok {
			continue
		}
		pf, qf := strings.Fields(pre), strings.Fields(post)
		if len(pf) < 5 || len(qf) < 3 || (qf[0] != "cgroup" && qf[0] != "cgroup2") {
			continue
		}
		out = append(out, mountEntry{root: unescapeMount(pf[3]), mountPoint: unescapeMount(pf[4]), fsType: qf[0], superOpts: strings.Split(qf[2], ",")})
	}
	return out, nil
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func readLines(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out, sc.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
