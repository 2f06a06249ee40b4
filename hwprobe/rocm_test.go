//go:build linux

package hwprobe

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestROCmSMIFakeLibrary(t *testing.T) {
	tests := []fakeLibCase{
		{name: "no GPUs", defines: []string{"-DFAKE_GPUS=0"}, wantErr: "installed but lists no GPU"},
		{name: "init failure", defines: []string{"-DFAKE_INIT_FAIL"}, wantErr: "failed to start: RSMI_STATUS_INIT_ERROR"},
		{name: "two GPUs", defines: []string{"-DFAKE_GPUS=2"}, check: func(t *testing.T, gpus []GPU) {
			if len(gpus) != 2 {
				t.Fatalf("got %d GPUs", len(gpus))
			}
			g := gpus[0]
			if g.Vendor != "AMD" || g.Name != "Navi 31 [Radeon RX 7900 XTX]" || g.MemoryTotalBytes != 24*gib || g.MemoryFreeBytes != 22*gib ||
				g.PowerWatts != 87 || g.BusyPercent != 12 || g.PCIBusID != "0000:03:00.0" {
				t.Errorf("GPU 0 = %+v", g)
			}
			if !strings.Contains(gpus[1].Unknown["power_watts"], "RSMI_STATUS_NOT_SUPPORTED") || gpus[1].MemoryTotalBytes != 64*gib {
				t.Errorf("GPU 1 = %+v", gpus[1])
			}
		}},
		{name: "old library", defines: []string{"-DFAKE_OLD"}, check: func(t *testing.T, gpus []GPU) {
			if len(gpus) != 1 || gpus[0].MemoryTotalBytes != 24*gib {
				t.Fatalf("got %+v", gpus)
			}
			for _, f := range []string{"busy_percent", "pci_bus_id"} {
				if !strings.Contains(gpus[0].Unknown[f], "has no rsmi_dev_") {
					t.Errorf("Unknown[%s] = %q", f, gpus[0].Unknown[f])
				}
			}
		}},
	}
	buildROCm := func(t *testing.T, defines ...string) string {
		return buildFakeLib(t, "fake_rocm_smi.c", "librocm_smi64.so", defines...)
	}
	runFakeLibCases(t, tests, buildROCm, probeROCmSMI)
}

// With ROCm SMI answering, the amdgpu sysfs entry is not listed a second time.
func TestProbeROCmHidesSysfsAMD(t *testing.T) {
	opts := fixtureOpts(t, "root-x86-cgv2")
	opts.ROCmSMILibrary = buildFakeLib(t, "fake_rocm_smi.c", "librocm_smi64.so", "-DFAKE_GPUS=1")
	r, err := Probe(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var amd []string
	for _, g := range r.GPUs {
		if g.Vendor == "AMD" {
			amd = append(amd, g.Source)
		}
	}
	if len(amd) != 1 || !strings.HasPrefix(amd[0], "ROCm SMI (") || !strings.HasSuffix(amd[0], filepath.Base(opts.ROCmSMILibrary)+")") {
		t.Errorf("AMD GPUs by source = %v, want one from ROCm SMI", amd)
	}
}
