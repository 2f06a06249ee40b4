//go:build linux

package hwprobe

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestNVMLFakeLibrary(t *testing.T) {
	const gib = 1 << 30
	tests := []fakeLibCase{
		{name: "no GPUs", defines: []string{"-DFAKE_GPUS=0"}, wantErr: "lists no GPU"},
		{name: "init failure", defines: []string{"-DFAKE_INIT_FAIL"}, wantErr: "NVML_ERROR_DRIVER_NOT_LOADED"},
		{name: "count error", defines: []string{"-DFAKE_COUNT_ERR"}, wantErr: "could not count GPUs: NVML_ERROR_UNKNOWN"},
		{name: "one GPU", defines: []string{"-DFAKE_GPUS=1"}, check: func(t *testing.T, gpus []GPU) {
			if len(gpus) != 1 {
				t.Fatalf("got %d GPUs, want 1", len(gpus))
			}
			g := gpus[0]
			want := GPU{Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", UUID: "GPU-00000000-1111-2222-3333-444444444444",
				MemoryTotalBytes: 24 * gib, MemoryFreeBytes: 23 * gib, MemoryUsedBytes: gib, Driver: "550.54.15", CUDAVersion: "12.4",
				ComputeCapability: "8.9", MemoryBusWidthBits: 384, MaxMemoryClockMHz: 10501, PCIeGeneration: 4, PCIeWidth: 16,
				PowerWatts: 35.5, PowerLimitWatts: 450, TemperatureC: 41, BusyPercent: 3}
			if g.Vendor != want.Vendor || g.Name != want.Name || g.UUID != want.UUID || g.MemoryTotalBytes != want.MemoryTotalBytes ||
				g.MemoryFreeBytes != want.MemoryFreeBytes || g.MemoryUsedBytes != want.MemoryUsedBytes || g.Driver != want.Driver ||
				g.CUDAVersion != want.CUDAVersion || g.ComputeCapability != want.ComputeCapability ||
				g.MemoryBusWidthBits != want.MemoryBusWidthBits || g.MaxMemoryClockMHz != want.MaxMemoryClockMHz ||
				g.PCIeGeneration != want.PCIeGeneration || g.PCIeWidth != want.PCIeWidth || g.PowerWatts != want.PowerWatts ||
				g.PowerLimitWatts != want.PowerLimitWatts || g.TemperatureC != want.TemperatureC || g.BusyPercent != want.BusyPercent {
				t.Errorf("GPU = %+v\nwant %+v", g, want)
			}
			// 10501 MHz × 2 × 384 bit / 8 = 1008.1 GB/s (the RTX 4090's published figure)
			if g.BandwidthGBps < 1008 || g.BandwidthGBps > 1008.2 {
				t.Errorf("bandwidth = %.2f GB/s, want 1008.10", g.BandwidthGBps)
			}
			if len(g.Unknown) != 0 {
				t.Errorf("unexpected unknown fields: %v", g.Unknown)
			}
		}},
		{name: "two GPUs, second with errors", defines: []string{"-DFAKE_GPUS=2"}, check: func(t *testing.T, gpus []GPU) {
			if len(gpus) != 2 {
				t.Fatalf("got %d GPUs, want 2", len(gpus))
			}
			g := gpus[1]
			if g.Name != "NVIDIA RTX A2000" || g.Index != 1 || g.MemoryTotalBytes != 6*gib || g.ComputeCapability != "8.6" {
				t.Errorf("second GPU = %+v", g)
			}
			for field, want := range map[string]string{
				"memory_bus_width_bits": "NVML_ERROR_NOT_SUPPORTED",
				"power_watts":           "NVML_ERROR_NOT_SUPPORTED",
				"temperature_c":         "NVML_ERROR_NO_PERMISSION",
				"bandwidth_gbps":        "bus width",
			} {
				if !strings.Contains(g.Unknown[field], want) {
					t.Errorf("Unknown[%s] = %q, want it to mention %q", field, g.Unknown[field], want)
				}
			}
			if g.BandwidthGBps != 0 || g.PowerWatts != 0 {
				t.Errorf("failed queries left values: bandwidth %v, power %v", g.BandwidthGBps, g.PowerWatts)
			}
			if gpus[0].BandwidthGBps == 0 {
				t.Error("first GPU lost its bandwidth because the second failed")
			}
		}},
		{name: "old driver without newer symbols", defines: []string{"-DFAKE_GPUS=1", "-DFAKE_OLD"}, check: func(t *testing.T, gpus []GPU) {
			if len(gpus) != 1 {
				t.Fatalf("got %d GPUs, want 1", len(gpus))
			}
			g := gpus[0]
			if g.MemoryTotalBytes != 24*gib || g.CUDAVersion != "10.2" || g.PowerLimitWatts != 450 {
				t.Errorf("old-driver fallbacks not used: %+v", g)
			}
			for _, field := range []string{"compute_capability", "memory_bus_width_bits"} {
				if !strings.Contains(g.Unknown[field], "driver is probably too old") {
					t.Errorf("Unknown[%s] = %q, want a too-old-driver reason", field, g.Unknown[field])
				}
			}
		}},
	}
	runFakeLibCases(t, tests, buildFakeNVML, probeNVML)
}

func TestNVMLMissingLibrary(t *testing.T) {
	gpus, err := probeNVML(filepath.Join(t.TempDir(), "libnvidia-ml.so.1"))
	if err == nil || !strings.HasPrefix(err.Error(), "no NVIDIA driver: ") || len(gpus) != 0 {
		t.Fatalf("got %v, %v; want no GPUs and a 'no NVIDIA driver' reason", gpus, err)
	}
}

func TestNVMLErrorNames(t *testing.T) {
	tests := []struct {
		code int32
		want string
	}{
		{0, ""},
		{3, "NVML_ERROR_NOT_SUPPORTED: not supported by this device"},
		{18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH"},
		{999, "NVML_ERROR_UNKNOWN"},
		{4242, "NVML status 4242"},
	}
	for _, tc := range tests {
		err := nvmlErr(tc.code)
		if tc.want == "" {
			if err != nil {
				t.Errorf("code 0 gave %v", err)
			}
			continue
		}
		var ne NVMLError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("code %d: %v, want %q", tc.code, err, tc.want)
		}
	}
}
