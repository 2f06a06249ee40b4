package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"slmscope/engine/estimate"
	"slmscope/engine/gguf"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// Where a model runs: which llama.cpp device, how many of its layers go there, and what
// llama.cpp then reported it put on each device.

// AutoLayers, as LoadOptions.GPULayers, asks for as many layers as fit in the device's free
// memory (see autoGPULayers).
const AutoLayers = -1

// Placement says where a loaded model runs.
type Placement struct {
	// Device is "cpu" or llama.cpp's name of the device that got layers ("Vulkan0");
	// Description is what the device calls itself ("NVIDIA H200").
	Device      string `json:"device"`
	Description string `json:"device_description,omitempty"`
	// GPULayers is the layer count asked of llama.cpp (0 on the CPU); Offloaded is what its
	// log said it did ("31/31"), empty when it printed nothing.
	GPULayers int    `json:"gpu_layers"`
	Offloaded string `json:"offloaded,omitempty"`
	// Layers is the model's layer count as llama.cpp counts them for offload: its blocks
	// and the output layer.
	Layers int `json:"layers"`
	// Why says how the device and the layer count were chosen.
	Why string `json:"placement_why"`
	// Build is the llama.cpp build the worker loaded; BuildNote why a GPU build was passed over.
	Build     string `json:"llama_build,omitempty"`
	BuildNote string `json:"llama_build_note,omitempty"`
	// Buffers are llama.cpp's own buffer sizes per device: where each part ran.
	Buffers []Buffer `json:"buffers,omitempty"`
	// GraphSplits is how many pieces llama.cpp's scheduler cut a generation step's graph into
	// (its log's "splits" for tg), 0 when it printed none. Each split between devices costs a
	// hand-over per token: on an H200, a partial offload ran 1.3–1.6× slower per CPU layer
	// than the same layers on the CPU alone (docs/gpu.md).
	GraphSplits int `json:"graph_splits,omitempty"`
	// Read is how the worker read the weights: "mapped" (llama.cpp's default), "direct"
	// (direct I/O, when the mapped file beside the repacked copy would crowd free memory:
	// estimate.ReadsDirectly) or "read"; ReadWhy says why it was direct.
	Read    string `json:"read,omitempty"`
	ReadWhy string `json:"read_why,omitempty"`
}

// Buffer is one of llama.cpp's buffers as its log reports it ("Vulkan0 model buffer size =
// 42.00 MiB"): the device (or host buffer type), what it holds and its size.
type Buffer struct {
	Device string `json:"device"`
	Kind   string `json:"kind"` // "model", "KV", "compute", "output", "RS"
	Bytes  int64  `json:"bytes"`
}

// OnGPU reports whether any layer went to a GPU.
func (p Placement) OnGPU() bool { return p.Device != "" && p.Device != "cpu" && p.GPULayers != 0 }

// Whole reports whether every layer went to the GPU.
func (p Placement) Whole() bool { return p.OnGPU() && p.Layers > 0 && p.GPULayers >= p.Layers }

// Summary is the placement in a few words: "cpu", or "NVIDIA H200 (Vulkan0), 33/33 layers".
func (p Placement) Summary() string {
	if !p.OnGPU() {
		return "cpu"
	}
	s := p.Device
	if p.Description != "" {
		s = p.Description + " (" + p.Device + ")"
	}
	if p.Offloaded != "" {
		return s + ", " + p.Offloaded + " layers"
	}
	return fmt.Sprintf("%s, %d layers", s, p.GPULayers)
}

// BufferText lists the buffers by device: "Vulkan0: model 1.2 GB, KV 64 MB · CPU: model 80 MB".
func (p Placement) BufferText() string {
	var order []string
	by := map[string][]string{}
	for _, b := range p.Buffers {
		if _, ok := by[b.Device]; !ok {
			order = append(order, b.Device)
		}
		by[b.Device] = append(by[b.Device], b.Kind+" "+units.Bytes(b.Bytes))
	}
	parts := make([]string, 0, len(order))
	for _, d := range order {
		parts = append(parts, d+": "+strings.Join(by[d], ", "))
	}
	return strings.Join(parts, " · ")
}

// IsSoftwareGPU reports a llama.cpp GPU device that is really the CPU (hwprobe.IsSoftwareGPU);
// slmscope never chooses one by default.
func IsSoftwareGPU(d Device) bool { return hwprobe.IsSoftwareGPU(d.Description) }

// chooseDevice resolves the device asked for ("" or "auto": the hardware GPU with the most
// free memory, else the CPU; "cpu"; or a llama.cpp device name) against the devices the
// worker listed. It returns the device (nil for the CPU) and why.
func chooseDevice(devs []Device, want string) (*Device, string, error) {
	switch strings.ToLower(want) {
	case "cpu":
		return nil, "the CPU, as asked", nil
	case "", "auto":
		var best *Device
		skipped := ""
		for i, d := range devs {
			if d.Type != "GPU" && d.Type != "IGPU" {
				continue
			}
			if IsSoftwareGPU(d) {
				skipped = fmt.Sprintf(" (%s %s is the CPU in software, so it is not chosen by default)", d.Name, d.Description)
				continue
			}
			if best == nil || d.MemoryFree > best.MemoryFree {
				best = &devs[i]
			}
		}
		if best == nil {
			return nil, "the CPU: llama.cpp found no GPU" + skipped, nil
		}
		return best, fmt.Sprintf("%s, the GPU with the most free memory (%s)", best.Name, units.Bytes(int64(best.MemoryFree))), nil
	}
	var names []string
	for i, d := range devs {
		if strings.EqualFold(d.Name, want) {
			if d.Type == "CPU" {
				return nil, "the CPU, as asked", nil
			}
			return &devs[i], d.Name + ", as asked", nil
		}
		names = append(names, d.Name)
	}
	return nil, "", fmt.Errorf("--device %s: llama.cpp has no such device; it has %s (or use cpu or auto)", want, strings.Join(append(names, "cpu"), ", "))
}

// autoGPULayers is how many layers llama.cpp's own placement can put on a device with free
// bytes for a model gf at context ctxLen: llama.cpp offloads the output layer first, then
// blocks from the last down (n_gpu_layers = n means the output layer and the last n-1
// blocks), and each block on the device takes its weights and its share of the KV cache.
// A reserve for the compute buffers stays free. It returns layers and blocks+1 for the whole
// model (llama.cpp's count with the output layer).
func autoGPULayers(gf *gguf.File, ctxLen int, free uint64) (n, all int) {
	info := gf.Info()
	blocks := int(info.BlockCount)
	all = blocks + 1
	blockBytes := make([]int64, blocks)
	var output int64
	for _, t := range gf.Tensors {
		if b, ok := blockIndex(t.Name); ok && b < blocks {
			blockBytes[b] += int64(t.Bytes)
		} else if t.Name == "output.weight" || t.Name == "output_norm.weight" || t.Name == "output_norm.bias" {
			output += int64(t.Bytes)
		}
	}
	if _, ok := gf.Tensor("output.weight"); !ok { // tied embeddings: llama.cpp copies them to the output layer
		if t, ok := gf.Tensor("token_embd.weight"); ok {
			output += int64(t.Bytes)
		}
	}
	var headDim uint64
	if info.HeadCount > 0 {
		headDim = info.EmbeddingLength / info.HeadCount
	}
	kvPerBlock := int64(0)
	if kv, err := estimate.KVCacheBytes(blocks, int(info.HeadCountKV), int(headDim), ctxLen, ""); err == nil && blocks > 0 {
		kvPerBlock = kv / int64(blocks)
	}
	room := int64(free) - computeReserve(info, ctxLen)
	if room < output {
		return 0, all
	}
	room -= output
	n = 1
	for b := blocks - 1; b >= 0; b-- {
		if room < blockBytes[b]+kvPerBlock {
			break
		}
		room -= blockBytes[b] + kvPerBlock
		n++
	}
	return n, all
}

// computeReserve is left free on the device for llama.cpp's compute buffers: the logits of a
// 512-token batch plus working space, at least 256 MiB.
func computeReserve(info gguf.ModelInfo, ctxLen int) int64 {
	r := int64(512) * int64(info.EmbeddingLength) * 4 * 8
	r += int64(min(ctxLen, 512)) * 4 * int64(max(info.VocabSize, 1))
	return max(r, 256<<20)
}

var blockName = regexp.MustCompile(`^blk\.(\d+)\.`)

func blockIndex(name string) (int, bool) {
	m := blockName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

var (
	bufferLine    = regexp.MustCompile(`^\S+:\s+(\S+)\s+(model|KV|compute|output|RS)\s+buffer size\s*=\s*([0-9.]+)\s*MiB`)
	offloadedLine = regexp.MustCompile(`offloaded (\d+/\d+) layers to GPU`)
)

// isPlacementLine picks the log lines parseBuffers reads.
func isPlacementLine(l string) bool {
	return strings.Contains(l, "buffer size =") || strings.Contains(l, "layers to GPU") || strings.Contains(l, "splits =")
}

// splitsLine is llama.cpp's graph summary: "graph: nodes = 1126, splits = 2, …", or with
// prompt and generation graphs that differ, "graph (pp bs=512, tg bs=1): nodes = 1126 / 1060,
// splits = 66 / 34, …".
var splitsLine = regexp.MustCompile(`splits = (\d+)(?: / (\d+))?`)

// parseSplits reads the generation graph's split count from llama.cpp's log lines of one
// load (the last summary), 0 when there is none.
func parseSplits(lines []string) int {
	n := 0
	for _, l := range lines {
		if m := splitsLine.FindStringSubmatch(l); m != nil {
			v := m[1]
			if m[2] != "" {
				v = m[2]
			}
			n, _ = strconv.Atoi(v)
		}
	}
	return n
}

// parseBuffers reads llama.cpp's log lines of one load: its buffer sizes per device and the
// offloaded layer count.
func parseBuffers(lines []string) (bufs []Buffer, offloaded string) {
	for _, l := range lines {
		if m := offloadedLine.FindStringSubmatch(l); m != nil {
			offloaded = m[1]
			continue
		}
		m := bufferLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		mib, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			continue
		}
		bufs = append(bufs, Buffer{Device: m[1], Kind: m[2], Bytes: int64(mib * (1 << 20))})
	}
	return bufs, offloaded
}
