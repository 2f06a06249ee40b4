package estimate

import (
	"strings"
	"testing"

	"slmscope/engine/quant"
)

// TestReadDirectlyWhenTheMappedPeakCrowdsRAM: the fit rule reads a repacked model's weights
// with direct I/O when the mapped file beside the repacked copy would take more than
// DirectReadShare of usable RAM, and then counts each weight once; with room, without a
// repacked copy, or without room even for one copy, it keeps the mapped read.
func TestReadDirectlyWhenTheMappedPeakCrowdsRAM(t *testing.T) {
	const gb = int64(1e9)
	cases := []struct {
		id     string
		q      quant.Quant
		ram    int64
		direct bool
	}{
		{"gpt-oss-20b", quant.MXFP4_MOE, 24 * gb, true},  // 22 GB mapped in 24 GB: the VM of docs/accuracy.md
		{"gpt-oss-20b", quant.MXFP4_MOE, 64 * gb, false}, // room for both copies
		{"gpt-oss-20b", quant.MXFP4_MOE, 12 * gb, false}, // not even one copy fits
		{"llama-3.1-8b", quant.Q4_K_M, 10 * gb, true},
		{"llama-3.1-8b", quant.Q4_K_M, 16 * gb, false},
		{"llama-3.1-8b", quant.F16, 17 * gb, false}, // nothing repacked: nothing to save
	}
	for _, c := range cases {
		m := model(t, c.id)
		ts, err := Plan(m, c.q)
		if err != nil {
			t.Fatal(err)
		}
		mapped, err := EstimateMemory(m, c.q, 4096, "", DefaultOverhead())
		if err != nil {
			t.Fatal(err)
		}
		mem, v, err := Fit(m, c.q, ts, FitInputs{Context: 4096}, MachineSpec{RAMAvailableBytes: c.ram}, DefaultOverhead())
		if err != nil {
			t.Fatal(err)
		}
		name := c.id + " " + string(c.q)
		if parts := mem.ResidentWeightBytes() + mem.KVBytes + mem.KeptOverheadBytes(); parts != mem.RequiredBytes {
			t.Errorf("%s in %d GB: weights + KV + overhead = %d, but %d must fit", name, c.ram/gb, parts, mem.RequiredBytes)
		}
		if got := mem.Read == ReadDirect; got != c.direct {
			t.Errorf("%s in %d GB: direct %v, want %v (mapped peak %d MB, read %q)", name, c.ram/gb, got, c.direct, mapped.TotalBytes/1e6, mem.Read)
			continue
		}
		if !c.direct {
			if mem.TotalBytes != mapped.TotalBytes || mem.Read != ReadMapped || mem.ReadWhy != "" {
				t.Errorf("%s in %d GB: a mapped read changed the memory: %+v", name, c.ram/gb, mem)
			}
			continue
		}
		want := mapped.RequiredBytes + mapped.IdleBytes
		if mem.TotalBytes != want || mem.RequiredBytes != want || v.NeedBytes != want {
			t.Errorf("%s: direct total %d, required %d, need %d; want %d (each weight once)", name, mem.TotalBytes, mem.RequiredBytes, v.NeedBytes, want)
		}
		if !v.Fits || v.Placement != PlaceRAM {
			t.Errorf("%s: verdict %+v", name, v)
		}
		if !strings.Contains(mem.Basis, "read into memory, not mapped") || strings.Contains(mem.Basis, "mapped original can be dropped") || strings.Contains(mem.Basis, "not counted as resident") {
			t.Errorf("%s: basis %q", name, mem.Basis)
		}
	}
}

// TestOverheadOfADirectRead: a run that read its weights directly holds each weight once, so
// the memory fit takes its peak RSS as every weight (the untied embedding table too) without
// a repacked copy's original; a mapped run of the same model counts both.
func TestOverheadOfADirectRead(t *testing.T) {
	m := model(t, "gpt-oss-20b")
	base := Measurement{ModelID: m.ID, Quant: quant.MXFP4_MOE, Context: 4096, PromptTokens: 512, Device: "cpu", PeakRSSBytes: 12_440_000_000}
	direct := base
	direct.Read = ReadDirect
	ss := overheadSamples([]Measurement{base, direct}, nil)
	if len(ss) != 2 {
		t.Fatalf("%d samples", len(ss))
	}
	mapped, read := ss[0], ss[1]
	idle := idleEmbeddingBytes(m, quant.MXFP4_MOE)
	if mapped.in.repack <= 0 || read.in.repack != 0 {
		t.Errorf("repacked bytes: mapped %d, direct %d", mapped.in.repack, read.in.repack)
	}
	if idle <= 0 || read.fixed-mapped.fixed != idle {
		t.Errorf("direct counts %d more weight bytes, want the %d B embedding table", read.fixed-mapped.fixed, idle)
	}
}
