package twin

import (
	"encoding/binary"
	"math"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// kShape is a small model whose rows exercise both K-quant blocks (256-wide) and the
// fallbacks (FFN 640 is not a multiple of 256), with n_gqa 4.
var kShape = catalog.Model{
	ID: "kshape", Name: "K-quant test shape", Family: "test", Arch: "llama",
	Layers: 8, Hidden: 256, Heads: 4, KVHeads: 1, HeadDim: 64, FFN: 640, Vocab: 512,
	Context: 256, RopeTheta: 10000, NormEps: 1e-5,
}

var kvaluesIQ4NL = [16]float64{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}

func half(b []byte, off int) float64 { return float64(f16Value(binary.LittleEndian.Uint16(b[off:]))) }

// scaleMinK4 is ggml's get_scale_min_k4.
func scaleMinK4(j int, q []byte) (float64, float64) {
	if j < 4 {
		return float64(q[j] & 63), float64(q[j+4] & 63)
	}
	return float64(q[j+4]&0xf | (q[j-4]>>6)<<4), float64(q[j+4]>>4 | (q[j]>>6)<<4)
}

// dequant is ggml-quants.c's dequantize_row_* for one block of t (reference C code ported
// line by line); it returns the block's values and its fp16 scales.
func dequant(t gguf.GGMLType, b []byte) (vals []float64, scales []uint16) {
	h := func(off int) float64 {
		scales = append(scales, binary.LittleEndian.Uint16(b[off:]))
		return half(b, off)
	}
	switch t {
	case gguf.TypeQ4_1, gguf.TypeQ5_0, gguf.TypeQ5_1, gguf.TypeIQ4_NL:
		d := h(0)
		m, qs, qh := 0.0, b[2:], uint32(0)
		switch t {
		case gguf.TypeQ4_1:
			m, qs = h(2), b[4:]
		case gguf.TypeQ5_0:
			qh, qs, m = binary.LittleEndian.Uint32(b[2:]), b[6:], -16*d
		case gguf.TypeQ5_1:
			m, qh, qs = h(2), binary.LittleEndian.Uint32(b[4:]), b[8:]
		}
		vals = make([]float64, 32)
		for j := 0; j < 16; j++ {
			x0, x1 := int(qs[j]&15), int(qs[j]>>4)
			if t == gguf.TypeIQ4_NL {
				vals[j], vals[j+16] = d*kvaluesIQ4NL[x0], d*kvaluesIQ4NL[x1]
				continue
			}
			x0 |= int((qh>>j)<<4) & 0x10
			x1 |= int(qh>>(j+12)) & 0x10
			vals[j], vals[j+16] = float64(x0)*d+m, float64(x1)*d+m
		}
	case gguf.TypeQ2_K:
		d, dmin := h(80), h(82)
		q, is := b[16:], 0
		for n := 0; n < 256; n += 128 {
			for shift := 0; shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					sc := b[is]
					is++
					for l := 0; l < 16; l++ {
						vals = append(vals, d*float64(sc&15)*float64((q[l+16*half]>>shift)&3)-dmin*float64(sc>>4))
					}
				}
			}
			q = q[32:]
		}
	case gguf.TypeQ3_K:
		d := h(108)
		var sc [16]int
		s := b[96:108]
		for j := 0; j < 16; j++ {
			low := int(s[j%8]>>(4*(j/8))) & 15
			high := int(s[8+j%4]>>(2*(j/4))) & 3
			sc[j] = low | high<<4
		}
		q, hm, m, is := b[32:], b[0:32], byte(1), 0
		for n := 0; n < 256; n += 128 {
			for shift := 0; shift < 8; shift += 2 {
				for half := 0; half < 2; half++ {
					dl := d * float64(sc[is]-32)
					is++
					for l := 0; l < 16; l++ {
						v := int((q[l+16*half]>>shift)&3) - 4
						if hm[l+16*half]&m != 0 {
							v += 4
						}
						vals = append(vals, dl*float64(v))
					}
				}
				m <<= 1
			}
			q = q[32:]
		}
	case gguf.TypeQ4_K, gguf.TypeQ5_K:
		d, dmin := h(0), h(2)
		s := b[4:16]
		ql, qh := b[16:], []byte(nil)
		if t == gguf.TypeQ5_K {
			ql, qh = b[48:], b[16:48]
		}
		u1, u2 := byte(1), byte(2)
		for j, is := 0, 0; j < 256; j, is = j+64, is+2 {
			s1, m1 := scaleMinK4(is, s)
			s2, m2 := scaleMinK4(is+1, s)
			for l := 0; l < 32; l++ {
				q := float64(ql[l] & 15)
				if qh != nil && qh[l]&u1 != 0 {
					q += 16
				}
				vals = append(vals, d*s1*q-dmin*m1)
			}
			for l := 0; l < 32; l++ {
				q := float64(ql[l] >> 4)
				if qh != nil && qh[l]&u2 != 0 {
					q += 16
				}
				vals = append(vals, d*s2*q-dmin*m2)
			}
			ql = ql[32:]
			u1, u2 = u1<<2, u2<<2
		}
	case gguf.TypeQ6_K:
		d := h(208)
		vals = make([]float64, 256)
		ql, qh, sc := b[0:128], b[128:192], b[192:208]
		for n := 0; n < 256; n += 128 {
			y := vals[n:]
			for l := 0; l < 32; l++ {
				is := l / 16
				q1 := int(ql[l]&15|((qh[l]>>0)&3)<<4) - 32
				q2 := int(ql[l+32]&15|((qh[l]>>2)&3)<<4) - 32
				q3 := int(ql[l]>>4|((qh[l]>>4)&3)<<4) - 32
				q4 := int(ql[l+32]>>4|((qh[l]>>6)&3)<<4) - 32
				y[l] = d * float64(int8(sc[is])) * float64(q1)
				y[l+32] = d * float64(int8(sc[is+2])) * float64(q2)
				y[l+64] = d * float64(int8(sc[is+4])) * float64(q3)
				y[l+96] = d * float64(int8(sc[is+6])) * float64(q4)
			}
			ql, qh, sc = ql[64:], qh[32:], sc[8:]
		}
	case gguf.TypeIQ4_XS:
		d := h(0)
		sh := binary.LittleEndian.Uint16(b[2:])
		qs := b[8:]
		for ib := 0; ib < 8; ib++ {
			ls := int(b[4+ib/2]>>(4*(ib%2)))&15 | int(sh>>(2*ib))&3<<4
			dl := d * float64(ls-32)
			v := make([]float64, 32)
			for j := 0; j < 16; j++ {
				v[j], v[j+16] = dl*kvaluesIQ4NL[qs[j]&15], dl*kvaluesIQ4NL[qs[j]>>4]
			}
			vals = append(vals, v...)
			qs = qs[16:]
		}
	case gguf.TypeQ8_0:
		d := h(0)
		for _, x := range b[2:34] {
			vals = append(vals, d*float64(int8(x)))
		}
	case gguf.TypeQ4_0:
		d := h(0)
		vals = make([]float64, 32)
		for j, x := range b[2:18] {
			vals[j], vals[j+16] = d*float64(int(x&15)-8), d*float64(int(x>>4)-8)
		}
	}
	return vals, scales
}

// TestBlockValues writes every recipe twin of a K-quant-sized shape and of Tiny (which
// falls back everywhere), reads each weight block back with ggml's dequantization, and
// checks that every fp16 scale is a finite normal half, every value finite, and each type's
// spread within 20 % of weightStd, so activations stay small.
func TestBlockValues(t *testing.T) {
	seen := map[gguf.GGMLType]bool{}
	for _, m := range []catalog.Model{kShape, catalog.Tiny} {
		for _, q := range Quants() {
			if q == F16 || q == Q8_0 || q == Q4_0 {
				continue
			}
			f, data := readTwin(t, m, q)
			sum2 := map[gguf.GGMLType]float64{}
			count := map[gguf.GGMLType]int{}
			for _, ti := range f.Tensors {
				if ti.Type == gguf.TypeF32 || ti.Type == gguf.TypeF16 {
					continue
				}
				b := data[f.DataOffset+int64(ti.Offset):][:ti.Bytes]
				bs := int(ti.Type.TypeSize())
				for i := 0; i < len(b); i += bs {
					vals, scales := dequant(ti.Type, b[i:i+bs])
					if len(vals) != int(ti.Type.BlockSize()) {
						t.Fatalf("%s %s: %s block decodes to %d values", m.ID, ti.Name, ti.Type, len(vals))
					}
					for _, s := range scales {
						if !f16Normal(s) {
							t.Fatalf("%s %s %s block %d: scale %#04x is not a finite normal half", m.ID, q, ti.Name, i/bs, s)
						}
					}
					for _, v := range vals {
						sum2[ti.Type] += v * v
					}
					count[ti.Type] += len(vals)
				}
			}
			for typ, s := range sum2 {
				seen[typ] = true
				std := math.Sqrt(s / float64(count[typ]))
				if math.IsNaN(std) || std < weightStd/1.2 || std > weightStd*1.2 {
					t.Errorf("%s %s: %s weights have std %.4f, want about %.2f", m.ID, q, typ, std, weightStd)
				}
			}
		}
	}
	for _, typ := range []gguf.GGMLType{gguf.TypeQ2_K, gguf.TypeQ3_K, gguf.TypeQ4_K, gguf.TypeQ5_K, gguf.TypeQ6_K,
		gguf.TypeQ5_0, gguf.TypeQ5_1, gguf.TypeIQ4_XS, gguf.TypeIQ4_NL, gguf.TypeQ4_0, gguf.TypeQ8_0} {
		if !seen[typ] {
			t.Errorf("no twin wrote a %s block", typ)
		}
	}
}

// Q4_1 appears in no recipe without an importance matrix; its generator is checked directly.
func TestQ4_1Blocks(t *testing.T) {
	s := blockSpecOf(gguf.TypeQ4_1)
	buf := make([]byte, 20*4096)
	r := chunkSeed(1, 0)
	s.fill(&r, buf)
	var sum2 float64
	for i := 0; i < len(buf); i += 20 {
		vals, scales := dequant(gguf.TypeQ4_1, buf[i:i+20])
		for _, h := range scales {
			if !f16Normal(h) {
				t.Fatalf("block %d: scale %#04x", i/20, h)
			}
		}
		for _, v := range vals {
			sum2 += v * v
		}
	}
	if std := math.Sqrt(sum2 / float64(len(buf)/20*32)); std < weightStd/1.2 || std > weightStd*1.2 {
		t.Errorf("Q4_1 std %.4f", std)
	}
}
