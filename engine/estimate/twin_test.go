package estimate

import (
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/twin"
)

// A twin's file is its tensor data (which Plan prices exactly) plus GGUF metadata, the
// tokenizer and alignment padding. That overhead must be small and, apart from at most 31
// padding bytes per tensor, the same for every quantization of a model: otherwise the
// plan's per-tensor bytes differ from what the twin writer writes.
func TestTwinWeightsMatchTwinFiles(t *testing.T) {
	for _, m := range append(catalog.All(), catalog.Tiny, catalog.TinyMoE) {
		if twin.CanWrite(m) != nil {
			continue // no twin file to compare (DeepSeek-V3)
		}
		first := int64(-1)
		for _, q := range twin.Quants() {
			size, err := twin.Size(m, q)
			if err != nil {
				t.Fatalf("%s %s: %v", m.ID, q, err)
			}
			w, err := WeightBytes(m, q)
			if err != nil {
				t.Fatalf("%s %s: %v", m.ID, q, err)
			}
			d := size - w
			if d <= 0 || d > 16<<20 {
				t.Errorf("%s %s: twin file %d bytes, tensor data %d: %d bytes of metadata is implausible", m.ID, q, size, w, d)
			}
			if first < 0 {
				first = d
			} else if diff := d - first; diff < -31*int64(len(Layout(m))) || diff > 31*int64(len(Layout(m))) {
				t.Errorf("%s %s: metadata %d bytes differs from %d at the first quant: tensor bytes disagree with the twin writer", m.ID, q, d, first)
			}
		}
	}
}
