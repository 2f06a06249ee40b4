package estimate

import (
	"fmt"
	"strings"

	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// How a CPU run reads a model's weights. llama.cpp maps the GGUF file by default; for the
// weights its CPU backend repacks (Q4_0, Q4_K, MXFP4 … on AVX2), it then holds the mapped
// original and the repacked copy, and peak RSS counts both. With room to spare that costs
// nothing: the original is clean file cache. Near the machine's free memory the kernel drops
// pages of it while the copy is written, so peak RSS lands anywhere between the two
// (gpt-oss-20b on a 24 GB machine: 17.6–22.6 GB against 22.2 projected), and other programs'
// cached files go with it. Reading the file with direct I/O instead puts each weight in memory
// once: on that machine gpt-oss-20b's peak RSS was 12.44 GB every time, its load 12.7–15.1 s
// against 12.4–27.8 s mapped, its speed the same (docs/accuracy.md, "Reading the weights").

// Read modes, as Memory.Read and the worker's load report name them.
const (
	ReadMapped = "mapped"
	ReadDirect = "direct"
)

// DirectReadShare is the share of usable RAM above which a CPU run whose weights are
// repacked reads them directly rather than mapping the file.
const DirectReadShare = 0.8

// readDirectly is mem read with direct I/O when the mapped peak would crowd usable RAM: every
// weight is read into the process once (the untied embedding table too, which mapped stays
// out of the resident set), and no mapped original sits beside the repacked copy. ok is false
// when the mapped read stays: nothing is repacked, the machine has room, or usable RAM is
// unknown or too small even for the direct read (the kernel must then page the file).
func (mem Memory) readDirectly(usable int64) (Memory, bool) {
	if mem.RepackBytes <= 0 || usable <= 0 || float64(mem.TotalBytes) <= DirectReadShare*float64(usable) {
		return mem, false
	}
	d := mem
	d.RequiredBytes = mem.RequiredBytes + mem.IdleBytes
	d.TotalBytes = d.RequiredBytes
	if d.TotalBytes > usable {
		return mem, false
	}
	d.Read = ReadDirect
	d.ReadWhy = fmt.Sprintf("read into memory, not mapped: the mapped file beside the CPU backend's repacked copy would peak at %s, over %.0f %% of the %s free, so each weight is read once (with direct I/O on Linux) and peak RSS is %s",
		units.Bytes(mem.TotalBytes), DirectReadShare*100, units.Bytes(usable), units.Bytes(d.TotalBytes))
	d.Basis = strings.TrimSuffix(mem.Basis, mem.mappedNotes()) + "; " + d.ReadWhy
	return d, true
}

// ResidentWeightBytes is the weights the run holds in memory: every weight when they are
// read directly, all but the untied embedding table when the file is mapped.
func (mem Memory) ResidentWeightBytes() int64 {
	if mem.Read == ReadDirect {
		return mem.WeightBytes
	}
	return mem.WeightBytes - mem.IdleBytes
}

// KeptOverheadBytes is the overhead less the repacked copy's share (which stands in for the
// mapped original the OS may drop, or for the weights read once): the part of RequiredBytes
// that is neither weights nor KV cache.
func (mem Memory) KeptOverheadBytes() int64 { return max(mem.OverheadBytes-mem.RepackBytes, 0) }

// ReadsDirectly says whether a CPU run of the GGUF file fm at context tokens reads its
// weights directly on a machine with usable bytes of RAM, and why: the worker asks this just
// before it loads. It takes the default overhead, not a calibration's, so it can differ from
// a projection only for a model within a few tens of MB of the threshold.
func ReadsDirectly(fm FileModel, context int, usable int64) (bool, string) {
	mem, _, err := Fit(fm.Model, quant.Canonical(fm.FileType), fm.Tensors, FitInputs{Context: context}, MachineSpec{RAMAvailableBytes: usable}, DefaultOverhead())
	if err != nil || mem.Read != ReadDirect {
		return false, ""
	}
	return true, mem.ReadWhy
}
