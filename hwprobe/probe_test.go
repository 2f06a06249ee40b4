package hwprobe

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const gib = 1 << 30

// buildFakeNVML compiles testdata/fake_nvml.c with the given defines into its own folder, so
// every variant is a distinct library for dlopen.
func buildFakeNVML(t *testing.T, defines ...string) string {
	t.Helper()
	return buildFakeLib(t, "fake_nvml.c", "libnvidia-ml.so.1", defines...)
}

// buildFakeLib compiles a C file from testdata into a shared library in a fresh temp folder;
// the test is skipped when gcc is missing.
func buildFakeLib(t *testing.T, src, name string, defines ...string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("gcc not found: cannot build the fake %s (install gcc to run this test)", name)
	}
	out := filepath.Join(t.TempDir(), name)
	args := append([]string{"-shared", "-fPIC", "-O0", "-o", out, filepath.Join("testdata", src)}, defines...)
	if b, err := exec.Command(gcc, args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", args, err, b)
	}
	return out
}

// fixtureOpts points every probe at a fixture tree and at GPU libraries that do not exist.
func fixtureOpts(t *testing.T, root string) Options {
	t.Helper()
	dir := t.TempDir()
	return Options{Root: filepath.Join("testdata", root), NVMLLibrary: filepath.Join(dir, "libnvidia-ml.so.1"),
		ROCmSMILibrary: filepath.Join(dir, "librocm_smi64.so"), SkipBandwidth: true, CacheDir: dir}
}

func TestCgroupMemory(t *testing.T) {
	tests := []struct {
		root      string
		version   int
		limit     uint64
		usage     uint64
		noteHas   string
		pathEnds  string
		sourceHas string
	}{
		{root: "root-x86-cgv2", version: 2, limit: 4 * gib, usage: gib - 256<<20, pathEnds: "user.slice/app.scope", sourceHas: "app.scope/memory.max"},
		{root: "root-arm-cgv1", version: 1, limit: 2 * gib, usage: 512 << 20, pathEnds: "sys/fs/cgroup/memory", sourceHas: "memory.limit_in_bytes"},
		{root: "cg-v2-parent", version: 2, limit: gib, usage: 100 << 20, pathEnds: "vm.scope", sourceHas: "machine.slice/memory.max"},
		{root: "cg-v1-unlimited", noteHas: "is unlimited"},
		{root: "cg-space", version: 2, limit: 1048576000, usage: 1000, pathEnds: "my cgroup/a"},
		{root: "root-bare", noteHas: "no cgroup information"},
	}
	for _, tc := range tests {
		t.Run(tc.root, func(t *testing.T) {
			cg := readCgroupMemory(filepath.Join("testdata", tc.root))
			if cg.Limit != tc.limit || cg.Usage != tc.usage {
				t.Errorf("limit %d usage %d, want %d and %d (note %q)", cg.Limit, cg.Usage, tc.limit, tc.usage, cg.Note)
			}
			if tc.limit > 0 && (cg.Version != tc.version || !strings.HasSuffix(cg.Path, tc.pathEnds)) {
				t.Errorf("version %d path %q, want v%d ending in %q", cg.Version, cg.Path, tc.version, tc.pathEnds)
			}
			if !strings.Contains(cg.Source, tc.sourceHas) {
				t.Errorf("source %q lacks %q", cg.Source, tc.sourceHas)
			}
			if !strings.Contains(cg.Note, tc.noteHas) {
				t.Errorf("note %q lacks %q", cg.Note, tc.noteHas)
			}
		})
	}
}

func TestMemoryWithCgroup(t *testing.T) {
	tests := []struct {
		root                  string
		total, avail, limit   uint64
		hostTotal, swapTotal  uint64
		noteHas, sourceSuffix string
	}{
		// 16 GiB machine, 12 GiB available, cgroup v2 limit 4 GiB with 768 MiB in use.
		{root: "root-x86-cgv2", total: 4 * gib, avail: 4*gib - (gib - 256<<20), limit: 4 * gib, hostTotal: 16 * gib, swapTotal: 2 * gib, sourceSuffix: "app.scope/memory.max"},
		{root: "root-arm-cgv1", total: 2 * gib, avail: 1536 << 20, limit: 2 * gib, hostTotal: 64 * gib, sourceSuffix: "memory.limit_in_bytes"},
		{root: "root-bare", total: 8 * gib, avail: 6 * gib, hostTotal: 8 * gib, noteHas: "no cgroup information", sourceSuffix: "meminfo)"},
	}
	for _, tc := range tests {
		t.Run(tc.root, func(t *testing.T) {
			opts := fixtureOpts(t, tc.root)
			r, err := memoryWith(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.TotalBytes != tc.total || r.AvailableBytes != tc.avail || r.CgroupLimitBytes != tc.limit || r.HostTotalBytes != tc.hostTotal || r.SwapTotalBytes != tc.swapTotal {
				t.Errorf("got total %d avail %d limit %d host %d swap %d\nwant %d %d %d %d %d", r.TotalBytes, r.AvailableBytes, r.CgroupLimitBytes,
					r.HostTotalBytes, r.SwapTotalBytes, tc.total, tc.avail, tc.limit, tc.hostTotal, tc.swapTotal)
			}
			if r.UsedBytes != r.TotalBytes-r.AvailableBytes {
				t.Errorf("used %d is not total-available", r.UsedBytes)
			}
			if !strings.Contains(r.CgroupNote, tc.noteHas) || !strings.HasSuffix(r.Source, tc.sourceSuffix) {
				t.Errorf("note %q source %q", r.CgroupNote, r.Source)
			}
		})
	}
}

func TestMemoryHost(t *testing.T) {
	r, err := Memory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.TotalBytes == 0 || r.AvailableBytes == 0 || r.AvailableBytes > r.TotalBytes || r.TotalBytes > r.HostTotalBytes {
		t.Errorf("implausible memory: %+v", r)
	}
}

func TestFeaturesFromFlags(t *testing.T) {
	tests := []struct {
		flags []string
		want  []string
	}{
		{strings.Fields("fpu sse2 pni ssse3 fma avx f16c avx2"), []string{"AVX", "AVX2", "F16C", "FMA", "SSE3", "SSSE3"}},
		{strings.Fields("avx512f avx512_vnni avx512_bf16 amx_tile amx_int8 avx_vnni"), []string{"AMX_INT8", "AMX_TILE", "AVX512", "AVX512_BF16", "AVX512_VNNI", "AVX_VNNI"}},
		{strings.Fields("fp asimd asimdhp asimddp sve i8mm"), []string{"DOTPROD", "FP16_VA", "MATMUL_INT8", "NEON", "SVE"}},
		{nil, []string{}},
	}
	for _, tc := range tests {
		if got := featuresFromFlags(tc.flags); !slices.Equal(got, tc.want) {
			t.Errorf("featuresFromFlags(%v) = %v, want %v", tc.flags, got, tc.want)
		}
	}
}

func TestProbeFixtureX86(t *testing.T) {
	opts := fixtureOpts(t, "root-x86-cgv2")
	r, err := Probe(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.CPU.Model != "Intel(R) Xeon(R) Platinum 8480+" || r.CPU.LogicalCores != 4 || r.CPU.PhysicalCores != 2 || r.CPU.Vendor != "GenuineIntel" {
		t.Errorf("CPU = %+v", r.CPU)
	}
	for _, f := range []string{"AVX2", "AVX512_VNNI", "AMX_INT8", "F16C"} {
		if !slices.Contains(r.CPU.Features, f) {
			t.Errorf("features %v lack %s", r.CPU.Features, f)
		}
	}
	if r.RAM.TotalBytes != 4*gib {
		t.Errorf("RAM total %d, want the 4 GiB cgroup limit", r.RAM.TotalBytes)
	}
	if len(r.GPUs) != 3 {
		t.Fatalf("GPUs = %+v, want AMD, Intel, NVIDIA from sysfs", r.GPUs)
	}
	amd, intel, nv := r.GPUs[0], r.GPUs[1], r.GPUs[2]
	if amd.Vendor != "AMD" || amd.Name != "AMD Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]" || amd.MemoryTotalBytes != 24*gib ||
		amd.MemoryFreeBytes != 23*gib || amd.BusyPercent != 7 || amd.PowerWatts != 35 || amd.Driver != "amdgpu" || amd.PCIBusID != "0000:03:00.0" || amd.UnifiedMemory {
		t.Errorf("AMD GPU = %+v", amd)
	}
	if intel.Vendor != "Intel" || !intel.UnifiedMemory || !strings.Contains(intel.Unknown["memory_total_bytes"], "shares system RAM") || !strings.Contains(intel.Name, "Iris Xe") {
		t.Errorf("Intel GPU = %+v", intel)
	}
	if nv.Vendor != "NVIDIA" || nv.Name != "NVIDIA AD102 [GeForce RTX 4090]" || nv.Unknown["memory_total_bytes"] == "" {
		t.Errorf("NVIDIA GPU = %+v", nv)
	}
	notes := strings.Join(r.GPUNotes, "\n")
	if !strings.Contains(notes, "no NVIDIA driver") || !strings.Contains(notes, "NVIDIA GPU 0000:01:00.0 found in sysfs") {
		t.Errorf("GPU notes do not explain the missing NVML: %q", notes)
	}
	if r.Power.Source != "battery" || !r.Power.OnBattery || r.Power.BatteryPercent != 77 {
		t.Errorf("power source = %+v", r.Power)
	}
	if len(r.Power.RAPL) != 2 || r.Power.RAPL[0].Name != "package-0" || r.Power.RAPL[0].EnergyJoules != 123.456789 {
		t.Errorf("RAPL = %+v", r.Power.RAPL)
	}
	if r.Power.GPUWatts != 35 {
		t.Errorf("GPU watts = %v, want 35 from amdgpu hwmon", r.Power.GPUWatts)
	}
	if r.Bandwidth.ReadGBps != 0 || !strings.Contains(r.Bandwidth.Note, "skipped") || !strings.Contains(r.Bandwidth.TheoreticalSource, "unknown (no SMBIOS table") {
		t.Errorf("bandwidth = %+v", r.Bandwidth)
	}
	// The JSON names the issue promises.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, path := range [][]string{{"os"}, {"arch"}, {"cpu", "model"}, {"cpu", "physical_cores"}, {"cpu", "logical_cores"}, {"cpu", "features"},
		{"ram", "total_bytes"}, {"ram", "available_bytes"}, {"ram", "cgroup_limit_bytes"}, {"gpu_notes"}, {"bandwidth", "read_gbps"},
		{"bandwidth", "triad_gbps"}, {"power", "source"}, {"llama_devices"}} {
		var cur any = m
		for _, k := range path {
			cur = cur.(map[string]any)[k]
		}
		if cur == nil {
			t.Errorf("JSON lacks %s", strings.Join(path, "."))
		}
	}
	g0 := m["gpus"].([]any)[0].(map[string]any)
	for _, k := range []string{"vendor", "name", "memory_total_bytes", "memory_free_bytes", "bandwidth_gbps", "source"} {
		if _, ok := g0[k]; !ok {
			t.Errorf("GPU JSON lacks %s", k)
		}
	}
}

func TestProbeFixtureWithFakeNVML(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the fake NVML library is built for Linux")
	}
	opts := fixtureOpts(t, "root-x86-cgv2")
	opts.NVMLLibrary = buildFakeNVML(t, "-DFAKE_GPUS=1")
	r, err := Probe(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var vendors []string
	for _, g := range r.GPUs {
		vendors = append(vendors, g.Vendor+":"+g.Source[:4])
	}
	// NVML answers for NVIDIA, so the sysfs NVIDIA card is not listed a second time.
	if !slices.Equal(vendors, []string{"AMD:sysf", "Intel:sysf", "NVIDIA:NVML"}) {
		t.Errorf("GPUs by vendor:source = %v", vendors)
	}
	if r.Power.GPUWatts != 35+35.5 {
		t.Errorf("GPU watts = %v, want AMD 35 + NVIDIA 35.5", r.Power.GPUWatts)
	}
}

func TestProbeNoGPULibrary(t *testing.T) {
	for _, root := range []string{"root-arm-cgv1", "root-bare"} {
		t.Run(root, func(t *testing.T) {
			r, err := Probe(context.Background(), fixtureOpts(t, root))
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if len(r.GPUs) != 0 {
				t.Errorf("GPUs = %+v, want none", r.GPUs)
			}
			notes := strings.Join(r.GPUNotes, "\n")
			if !strings.Contains(notes, "no NVIDIA driver: ") || !strings.Contains(notes, "no GPU in sysfs") {
				t.Errorf("notes do not explain: %q", notes)
			}
			if r.Power.RAPLNote == "" || r.Power.GPUWattsSource != "not available (no GPU found)" {
				t.Errorf("power notes = %+v", r.Power)
			}
		})
	}
}

func TestProbeArmFeatures(t *testing.T) {
	r, err := Probe(context.Background(), fixtureOpts(t, "root-arm-cgv1"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BF16", "DOTPROD", "FP16_VA", "MATMUL_INT8", "NEON", "SVE"}
	if !slices.Equal(r.CPU.Features, want) || r.CPU.LogicalCores != 8 {
		t.Errorf("features %v cores %d, want %v and 8", r.CPU.Features, r.CPU.LogicalCores, want)
	}
	if r.Power.Source != "ac" || r.Power.OnBattery {
		t.Errorf("power = %+v, want mains", r.Power)
	}
}

func TestProbeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Probe(ctx, fixtureOpts(t, "root-bare")); err == nil {
		t.Fatal("Probe ignored a cancelled context")
	}
}

// smbiosType17 builds one SMBIOS 3.3 memory device structure (0x5C bytes) plus its strings.
func smbiosType17(sizeMiB uint16, width uint16, memType byte, speed, configured uint16, extSpeed uint32, locator string) []byte {
	f := make([]byte, 0x5C)
	f[0], f[1] = 17, 0x5C
	le := binary.LittleEndian
	le.PutUint16(f[0x08:], width+8)
	le.PutUint16(f[0x0A:], width)
	le.PutUint16(f[0x0C:], sizeMiB)
	f[0x10] = 1
	f[0x12] = memType
	le.PutUint16(f[0x15:], speed)
	le.PutUint16(f[0x20:], configured)
	le.PutUint32(f[0x54:], extSpeed)
	if locator == "" {
		return append(f, 0, 0)
	}
	return append(append(f, locator...), 0, 0)
}

func TestSMBIOSMemory(t *testing.T) {
	end := []byte{127, 4, 0, 0, 0, 0}
	bios := append([]byte{0, 0x18}, make([]byte, 0x16)...) // a type 0 structure with a string
	bios = append(bios, "Fake BIOS\x00\x00"...)
	tests := []struct {
		name    string
		table   []byte
		want    float64
		descHas string
		errHas  string
	}{
		{name: "two DDR5-5600 modules and an empty slot", table: concat(bios,
			smbiosType17(16384, 64, 0x22, 5600, 5600, 0, "DIMM A1"), smbiosType17(0, 64, 0x22, 0, 0, 0, "DIMM A2"),
			smbiosType17(16384, 64, 0x22, 5600, 5600, 0, "DIMM B1"), end), want: 89.6, descHas: "2 × DDR5-5600 64-bit"},
		{name: "configured speed below rated", table: concat(smbiosType17(8192, 64, 0x1A, 3200, 2666, 0, "ChannelA"), end), want: 21.328, descHas: "DDR4-2666"},
		{name: "extended speed", table: concat(smbiosType17(32768, 64, 0x22, 0xFFFF, 0, 8000, "A"), end), want: 64, descHas: "DDR5-8000"},
		{name: "no modules", table: concat(bios, end), errHas: "no populated memory modules"},
		{name: "truncated", table: []byte{17, 0x5C, 0, 0, 1, 2}, errHas: "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			p := filepath.Join(root, "sys/firmware/dmi/tables/DMI")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.table, 0o644); err != nil {
				t.Fatal(err)
			}
			gbps, src := theoreticalCPUBandwidth(Options{Root: root})
			if tc.errHas != "" {
				if gbps != 0 || !strings.Contains(src, tc.errHas) || !strings.HasPrefix(src, "unknown (") {
					t.Errorf("got %v %q, want unknown with %q", gbps, src, tc.errHas)
				}
				return
			}
			if gbps < tc.want-0.001 || gbps > tc.want+0.001 || !strings.Contains(src, tc.descHas) {
				t.Errorf("got %v GB/s %q, want %v and %q", gbps, src, tc.want, tc.descHas)
			}
		})
	}
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestLookupPCIIDs(t *testing.T) {
	file := filepath.Join("testdata", "root-x86-cgv2", "usr/share/misc/pci.ids")
	tests := []struct{ vendor, device, want string }{
		{"10de", "2684", "NVIDIA AD102 [GeForce RTX 4090]"},
		{"1002", "744c", "AMD Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]"},
		{"1002", "0e3b", ""}, // a subsystem line is not a device
		{"8086", "ffff", ""},
		{"abcd", "0001", ""},
	}
	for _, tc := range tests {
		if got, _ := lookupPCIIDs(file, tc.vendor, tc.device); got != tc.want {
			t.Errorf("lookup %s:%s = %q, want %q", tc.vendor, tc.device, got, tc.want)
		}
	}
}

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/plain`: "/plain", `/tab\011x`: "/tab\tx", `/end\04`: `/end\04`} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCgroupCPUQuota(t *testing.T) {
	tests := []struct {
		root      string
		cores     float64
		sourceHas string
		noteHas   string
	}{
		{root: "root-x86-cgv2", cores: 1.5, sourceHas: "v2 testdata/root-x86-cgv2/sys/fs/cgroup/user.slice/app.scope/cpu.max"},
		{root: "cg-v2-parent", cores: 1, sourceHas: "machine.slice/cpu.max"},
		{root: "root-arm-cgv1", cores: 0.5, sourceHas: "v1 testdata/root-arm-cgv1/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us"},
		{root: "cg-v1-unlimited", noteHas: "cpu.cfs_quota_us is unlimited"},
		{root: "cg-space", noteHas: "no CPU quota"},
		{root: "root-bare", noteHas: "no cgroup information"},
	}
	for _, tc := range tests {
		t.Run(tc.root, func(t *testing.T) {
			q := readCgroupCPU(filepath.Join("testdata", tc.root))
			if q.Cores != tc.cores || !strings.Contains(q.Source, tc.sourceHas) || !strings.Contains(q.Note, tc.noteHas) {
				t.Errorf("got %+v, want %g cores from %q, note %q", q, tc.cores, tc.sourceHas, tc.noteHas)
			}
		})
	}
}
