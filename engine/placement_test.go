package engine

import (
	"reflect"
	"testing"
)

// TestParsePlacementLines reads llama.cpp's own log lines of a load (as the pinned build
// prints them) into buffers, the offloaded count and the generation graph's splits.
func TestParsePlacementLines(t *testing.T) {
	tests := []struct {
		name      string
		lines     []string
		bufs      []Buffer
		offloaded string
		splits    int
	}{
		{"partial offload, prompt and generation graphs differ", []string{
			"load_tensors: offloaded 17/33 layers to GPU",
			"load_tensors:   CPU_Mapped model buffer size =  2278.06 MiB",
			"load_tensors:      Vulkan0 model buffer size =  2407.23 MiB",
			"llama_kv_cache:        CPU KV buffer size =   128.00 MiB",
			"sched_reserve:    Vulkan0 compute buffer size =   266.50 MiB",
			"sched_reserve: graph (pp bs=512, tg bs=1): nodes = 1126 / 1060, splits = 66 / 34, input objects = 3 / 2, input tensors = 4 / 3",
		}, []Buffer{
			{"CPU_Mapped", "model", mib(2278.06)}, {"Vulkan0", "model", mib(2407.23)},
			{"CPU", "KV", 128 << 20}, {"Vulkan0", "compute", mib(266.5)},
		}, "17/33", 34},
		{"CPU only, one graph summary", []string{
			"load_tensors:   CPU_Mapped model buffer size =   136.40 MiB",
			"sched_reserve: graph: nodes = 1025, splits = 1, input objects = 2, input tensors = 3",
		}, []Buffer{{"CPU_Mapped", "model", mib(136.40)}}, "", 1},
		{"nothing llama.cpp would print", []string{"main: hello", "splits = many"}, nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kept []string
			for _, l := range tt.lines {
				if isPlacementLine(l) {
					kept = append(kept, l)
				}
			}
			bufs, off := parseBuffers(kept)
			if !reflect.DeepEqual(bufs, tt.bufs) || off != tt.offloaded {
				t.Errorf("buffers %v, offloaded %q; want %v, %q", bufs, off, tt.bufs, tt.offloaded)
			}
			if got := parseSplits(kept); got != tt.splits {
				t.Errorf("splits %d, want %d", got, tt.splits)
			}
		})
	}
}

// mib is a MiB figure as parseBuffers turns it into bytes.
func mib(v float64) int64 { return int64(v * (1 << 20)) }
