package hwprobe

import (
	"fmt"
	"syscall"
	"unsafe"
)

// dxgiAdapterDesc1 is DXGI_ADAPTER_DESC1.
type dxgiAdapterDesc1 struct {
	Description           [128]uint16
	VendorID              uint32
	DeviceID              uint32
	SubSysID              uint32
	Revision              uint32
	DedicatedVideoMemory  uintptr
	DedicatedSystemMemory uintptr
	SharedSystemMemory    uintptr
	AdapterLuidLow        uint32
	AdapterLuidHigh       int32
	Flags                 uint32
}

const dxgiAdapterFlagSoftware = 2 // DXGI_ADAPTER_FLAG_SOFTWARE (Microsoft Basic Render Driver)

// IID_IDXGIFactory1 {770aae78-f26f-4dba-a829-253c83d1b387}
var iidIDXGIFactory1 = syscall.GUID{Data1: 0x770aae78, Data2: 0xf26f, Data3: 0x4dba, Data4: [8]byte{0xa8, 0x29, 0x25, 0x3c, 0x83, 0xd1, 0xb3, 0x87}}

// COM vtable slots used here.
const (
	vtblRelease       = 2  // IUnknown::Release
	vtblEnumAdapters1 = 12 // IDXGIFactory1::EnumAdapters1
	vtblGetDesc1      = 10 // IDXGIAdapter1::GetDesc1
)

const dxgiErrorNotFound = 0x887A0002

// comObject is a COM interface pointer's target: a pointer to its method table.
type comObject struct{ vtbl *[16]uintptr }

func comCall(obj *comObject, slot int, args ...uintptr) uintptr {
	r, _, _ := syscall.SyscallN(obj.vtbl[slot], append([]uintptr{uintptr(unsafe.Pointer(obj))}, args...)...)
	return r
}

// probePlatformGPUs lists display adapters through DXGI: name, PCI vendor, dedicated video
// memory and the shared system memory the GPU may borrow.
func probePlatformGPUs() ([]GPU, []string) {
	dxgi := syscall.NewLazyDLL("dxgi.dll")
	create := dxgi.NewProc("CreateDXGIFactory1")
	if err := create.Find(); err != nil {
		return nil, []string{"DXGI is not available: " + err.Error()}
	}
	var factory *comObject
	hr, _, _ := create.Call(uintptr(unsafe.Pointer(&iidIDXGIFactory1)), uintptr(unsafe.Pointer(&factory)))
	if hr != 0 || factory == nil {
		return nil, []string{fmt.Sprintf("DXGI could not start (CreateDXGIFactory1 HRESULT 0x%08X)", uint32(hr))}
	}
	defer comCall(factory, vtblRelease)
	var gpus []GPU
	index := map[string]int{}
	for i := uintptr(0); ; i++ {
		var adapter *comObject
		hr := comCall(factory, vtblEnumAdapters1, i, uintptr(unsafe.Pointer(&adapter)))
		if uint32(hr) == dxgiErrorNotFound || adapter == nil {
			break
		}
		var d dxgiAdapterDesc1
		hr = comCall(adapter, vtblGetDesc1, uintptr(unsafe.Pointer(&d)))
		comCall(adapter, vtblRelease)
		if hr != 0 || d.Flags&dxgiAdapterFlagSoftware != 0 {
			continue
		}
		vendorHex := fmt.Sprintf("%04x", d.VendorID)
		vendor, ok := vendorNames[vendorHex]
		if !ok {
			vendor = "PCI vendor " + vendorHex
		}
		g := GPU{Vendor: vendor, Index: index[vendor], Name: syscall.UTF16ToString(d.Description[:]),
			MemoryTotalBytes: uint64(d.DedicatedVideoMemory), SharedMemoryBytes: uint64(d.SharedSystemMemory),
			Source: "DXGI (IDXGIAdapter1::GetDesc1)"}
		index[vendor]++
		g.UnifiedMemory = d.DedicatedVideoMemory < 1<<30 && d.SharedSystemMemory > 0
		g.Unknown.set("memory_free_bytes", "DXGI 1.1 does not report free memory")
		g.Unknown.set("bandwidth_gbps", "DXGI does not report memory bandwidth")
		gpus = append(gpus, g)
	}
	if len(gpus) == 0 {
		return nil, []string{"DXGI lists no hardware display adapter"}
	}
	return gpus, nil
}
