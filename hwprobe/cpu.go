package hwprobe

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"

	gocpu "github.com/shirou/gopsutil/v3/cpu"
	"golang.org/x/sys/cpu"
)

// CPU describes the processor. Features uses llama.cpp's names (as in its system_info line).
type CPU struct {
	Model          string   `json:"model"`
	Vendor         string   `json:"vendor"`
	PhysicalCores  int      `json:"physical_cores"`
	LogicalCores   int      `json:"logical_cores"`
	FrequencyMHz   float64  `json:"frequency_mhz"`
	Features       []string `json:"features"`
	Source         string   `json:"source"`
	FeaturesSource string   `json:"features_source"`
	// Quota is the CPU time this process's cgroup allows, which can be less than its cores.
	Quota   CPUQuota `json:"quota"`
	Unknown Unknown  `json:"unknown,omitempty"`
}

// flagFeatures maps an OS feature flag (Linux /proc/cpuinfo "flags"/"Features", macOS sysctl
// names lower-cased) to the llama.cpp feature name it implies.
var flagFeatures = map[string]string{
	// x86
	"pni": "SSE3", "sse3": "SSE3", "ssse3": "SSSE3", "avx": "AVX", "avx2": "AVX2", "f16c": "F16C",
	"fma": "FMA", "avx_vnni": "AVX_VNNI", "avx512f": "AVX512", "avx512vbmi": "AVX512_VBMI",
	"avx512_vnni": "AVX512_VNNI", "avx512_bf16": "AVX512_BF16", "amx_tile": "AMX_TILE",
	"amx_int8": "AMX_INT8", "amx_bf16": "AMX_BF16",
	// arm64 (Linux hwcaps)
	"asimd": "NEON", "asimdhp": "FP16_VA", "asimddp": "DOTPROD", "sve": "SVE", "sve2": "SVE2",
	"i8mm": "MATMUL_INT8", "bf16": "BF16", "sme": "SME",
}

// featuresFromFlags turns OS feature flags into llama.cpp feature names, sorted, without duplicates.
func featuresFromFlags(flags []string) []string {
	set := map[string]bool{}
	for _, f := range flags {
		if name, ok := flagFeatures[strings.ToLower(strings.TrimSpace(f))]; ok {
			set[name] = true
		}
	}
	return sortedKeys(set)
}

// featuresFromCPUID reads the running CPU's features through golang.org/x/sys/cpu (CPUID on
// x86, HWCAP or sysctl on arm64), which also checks the OS enabled the wider registers.
func featuresFromCPUID() []string {
	set := map[string]bool{}
	add := func(ok bool, name string) {
		if ok {
			set[name] = true
		}
	}
	switch runtime.GOARCH {
	case "amd64", "386":
		add(cpu.X86.HasSSE3, "SSE3")
		add(cpu.X86.HasSSSE3, "SSSE3")
		add(cpu.X86.HasAVX, "AVX")
		add(cpu.X86.HasAVX2, "AVX2")
		add(cpu.X86.HasFMA, "FMA")
		add(cpu.X86.HasAVXVNNI, "AVX_VNNI")
		add(cpu.X86.HasAVX512F, "AVX512")
		add(cpu.X86.HasAVX512VBMI, "AVX512_VBMI")
		add(cpu.X86.HasAVX512VNNI, "AVX512_VNNI")
		add(cpu.X86.HasAVX512BF16, "AVX512_BF16")
		add(cpu.X86.HasAMXTile, "AMX_TILE")
		add(cpu.X86.HasAMXInt8, "AMX_INT8")
		add(cpu.X86.HasAMXBF16, "AMX_BF16")
	case "arm64":
		add(cpu.ARM64.HasASIMD, "NEON")
		add(cpu.ARM64.HasASIMDHP, "FP16_VA")
		add(cpu.ARM64.HasASIMDDP, "DOTPROD")
		add(cpu.ARM64.HasSVE, "SVE")
		add(cpu.ARM64.HasSVE2, "SVE2")
		add(cpu.ARM64.HasI8MM, "MATMUL_INT8")
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func probeCPU(ctx context.Context, opts Options) CPU {
	c := CPU{Source: "gopsutil cpu.Info/cpu.Counts", Features: []string{}}
	if runtime.GOOS == "linux" || !opts.isHost() {
		c.Source = "gopsutil (" + opts.path("/proc/cpuinfo") + ")"
	}
	infos, err := gocpu.InfoWithContext(ctx)
	flags := c.describe(infos, err)
	if c.Model == "" {
		c.describeFromRegistry(opts)
	}
	c.countCores(ctx, opts)
	c.Quota = cpuQuotaFor(opts)
	c.setFeatures(opts, flags)
	if len(c.Features) == 0 {
		c.Unknown.set("features", "no SIMD feature llama.cpp uses was detected")
	}
	return c
}

// describe fills the model, vendor and frequency from the first CPU gopsutil lists (err is
// its error) and returns that CPU's feature flags.
func (c *CPU) describe(infos []gocpu.InfoStat, err error) (flags []string) {
	if err != nil || len(infos) == 0 {
		c.Unknown.set("model", fmt.Sprintf("gopsutil could not read the CPU description: %v", errOr(err, "no CPUs listed")))
		return nil
	}
	c.Model = strings.TrimSpace(infos[0].ModelName)
	c.Vendor = infos[0].VendorID
	c.FrequencyMHz = infos[0].Mhz
	if c.Model == "" {
		c.Unknown.set("model", "the OS gives no model name for this CPU")
	}
	if c.FrequencyMHz == 0 {
		c.Unknown.set("frequency_mhz", "the OS reports no CPU frequency")
	}
	return infos[0].Flags
}

// describeFromRegistry fills the model, vendor and frequency that gopsutil could not give
// from Windows' registry, and says so in Source.
func (c *CPU) describeFromRegistry(opts Options) {
	model, vendor, mhz, ok := registryCPU(opts)
	if !ok {
		return
	}
	c.Model, c.Vendor = model, vendor
	delete(c.Unknown, "model")
	if mhz > 0 {
		c.FrequencyMHz = mhz
		delete(c.Unknown, "frequency_mhz")
	}
	c.Source += "; model from the " + registryCPUSource
}

// countCores fills the logical and physical core counts; on the host the Go runtime's count
// stands in for a logical count gopsutil cannot give.
func (c *CPU) countCores(ctx context.Context, opts Options) {
	if n, err := gocpu.CountsWithContext(ctx, true); err == nil && n > 0 {
		c.LogicalCores = n
	} else {
		c.Unknown.set("logical_cores", fmt.Sprintf("gopsutil: %v", errOr(err, "0 reported")))
		if opts.isHost() {
			c.LogicalCores = runtime.NumCPU()
			delete(c.Unknown, "logical_cores")
		}
	}
	if n, err := gocpu.CountsWithContext(ctx, false); err == nil && n > 0 {
		c.PhysicalCores = n
	} else {
		c.Unknown.set("physical_cores", fmt.Sprintf("gopsutil: %v", errOr(err, "0 reported")))
	}
}

// setFeatures fills the SIMD features llama.cpp uses: on the host from CPUID and the OS
// flags together, for a fixture tree from its flags alone.
func (c *CPU) setFeatures(opts Options, flags []string) {
	fromFlags := featuresFromFlags(flags)
	if !opts.isHost() {
		c.Features = fromFlags
		c.FeaturesSource = "OS feature flags (" + opts.path("/proc/cpuinfo") + ")"
		return
	}
	set := map[string]bool{}
	for _, f := range append(featuresFromCPUID(), fromFlags...) {
		set[f] = true
	}
	c.Features = sortedKeys(set)
	c.FeaturesSource = "CPUID via golang.org/x/sys/cpu"
	if len(fromFlags) > 0 {
		c.FeaturesSource += " + OS feature flags"
	}
}

func errOr(err error, fallback string) string {
	if err != nil {
		return err.Error()
	}
	return fallback
}
