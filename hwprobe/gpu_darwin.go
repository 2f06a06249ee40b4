package hwprobe

import (
	"fmt"

	"github.com/ebitengine/purego"
	"github.com/ebitengine/purego/objc"
)

const metalFramework = "/System/Library/Frameworks/Metal.framework/Metal"

// probePlatformGPUs lists Metal devices through purego's Objective-C runtime (no cgo):
// name, recommendedMaxWorkingSetSize (what Metal lets one process keep resident) and
// whether memory is unified with the CPU (Apple silicon).
func probePlatformGPUs() ([]GPU, []string) {
	h, err := purego.Dlopen(metalFramework, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, []string{fmt.Sprintf("Metal is not available (%v)", err)}
	}
	// id<MTLDevice> MTLCreateSystemDefaultDevice(void)
	var createDefault func() objc.ID
	// NSArray<id<MTLDevice>> *MTLCopyAllDevices(void)  (macOS only)
	var copyAll func() objc.ID
	if addr, err := purego.Dlsym(h, "MTLCreateSystemDefaultDevice"); err == nil {
		purego.RegisterFunc(&createDefault, addr)
	} else {
		return nil, []string{"Metal has no MTLCreateSystemDefaultDevice: " + err.Error()}
	}
	if addr, err := purego.Dlsym(h, "MTLCopyAllDevices"); err == nil {
		purego.RegisterFunc(&copyAll, addr)
	}
	// Both C functions return retained objects (+1); release them when done.
	selRelease := objc.RegisterName("release")
	devices, owned := metalDevices(createDefault, copyAll)
	defer func() {
		for _, o := range owned {
			o.Send(selRelease)
		}
	}()
	if len(devices) == 0 {
		return nil, []string{"Metal lists no GPU (a virtual machine without GPU passthrough?)"}
	}
	var gpus []GPU
	for i, d := range devices {
		gpus = append(gpus, metalGPU(i, d))
	}
	return gpus, nil
}

// metalDevices lists every Metal device (copyAll is nil where the OS lacks it), else the
// default one. owned are the retained objects the caller must release.
func metalDevices(createDefault, copyAll func() objc.ID) (devices, owned []objc.ID) {
	if copyAll != nil {
		if arr := copyAll(); arr != 0 {
			owned = append(owned, arr)
			n := objc.Send[uint64](arr, objc.RegisterName("count"))
			for i := uint64(0); i < n; i++ {
				devices = append(devices, arr.Send(objc.RegisterName("objectAtIndex:"), i))
			}
		}
	}
	if len(devices) == 0 {
		if d := createDefault(); d != 0 {
			devices = append(devices, d)
			owned = append(owned, d)
		}
	}
	return devices, owned
}

// metalGPU describes Metal device d, number i: its name, the memory Metal lets one process
// keep resident and whether that memory is unified with the CPU's.
func metalGPU(i int, d objc.ID) GPU {
	selName := objc.RegisterName("name")
	selUTF8 := objc.RegisterName("UTF8String")
	selWorkingSet := objc.RegisterName("recommendedMaxWorkingSetSize")
	selAllocated := objc.RegisterName("currentAllocatedSize")
	selUnified := objc.RegisterName("hasUnifiedMemory")
	selResponds := objc.RegisterName("respondsToSelector:")
	g := GPU{Vendor: "Apple", Index: i, Source: "Metal (MTLDevice via purego/objc)"}
	if s := d.Send(selName); s != 0 {
		g.Name = objc.Send[string](s, selUTF8)
	}
	if g.Name == "" {
		g.Name = fmt.Sprintf("Metal GPU %d", i)
	}
	if objc.Send[bool](d, selResponds, selWorkingSet) {
		g.MemoryTotalBytes = objc.Send[uint64](d, selWorkingSet)
		alloc := objc.Send[uint64](d, selAllocated)
		g.MemoryUsedBytes = alloc
		if alloc <= g.MemoryTotalBytes {
			g.MemoryFreeBytes = g.MemoryTotalBytes - alloc
		}
	} else {
		g.Unknown.set("memory_total_bytes", "this macOS has no recommendedMaxWorkingSetSize (before 10.12)")
	}
	if objc.Send[bool](d, selResponds, selUnified) {
		g.UnifiedMemory = objc.Send[bool](d, selUnified)
	}
	g.Unknown.set("bandwidth_gbps", "Metal does not report memory bandwidth")
	return g
}
