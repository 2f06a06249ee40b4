package twin

import (
	"encoding/binary"
	"math"
	"sync"

	"slmscope/engine/gguf"
)

// A block type beyond F16/Q8_0/Q4_0 is written as random bytes with its fp16 super-block
// scales (d, and dmin or m where the block has one) overwritten by finite, normal halves, and
// a few scale fields narrowed so the dequantized weights have about weightStd. Byte layouts
// are ggml's block structs (ggml/src/ggml-common.h, llama.cpp v0.5.0):
//
//	Q4_1   20 B / 32:  d@0 m@2 qs[16]@4               x = d·q + m
//	Q5_0   22 B / 32:  d@0 qh[4]@2 qs[16]@6           x = d·(q − 16)
//	Q5_1   24 B / 32:  d@0 m@2 qh[4]@4 qs[16]@8       x = d·q + m
//	IQ4_NL 18 B / 32:  d@0 qs[16]@2                   x = d·kvalues[q]
//	Q2_K   84 B / 256: scales[16]@0 qs[64]@16 d@80 dmin@82
//	Q3_K  110 B / 256: hmask[32]@0 qs[64]@32 scales[12]@96 d@108
//	Q4_K  144 B / 256: d@0 dmin@2 scales[12]@4 qs[128]@16
//	Q5_K  176 B / 256: d@0 dmin@2 scales[12]@4 qh[32]@16 qs[128]@48
//	Q6_K  210 B / 256: ql[128]@0 qh[64]@128 scales[16]@192 (int8) d@208
//	IQ4_XS 136 B / 256: d@0 scales_h@2 scales_l[4]@4 qs[128]@8
//	MXFP4  17 B / 32:  e@0 (E8M0) qs[16]@1             x = kvalues_mxfp4[q]·2^(e−128)
type blockSpec struct {
	size   int
	dAt    int // offset of the fp16 scale d, -1 if none (MXFP4's scale is a byte: narrow sets it)
	minAt  int // offset of the second fp16 (dmin or m), -1 if none
	d, min [16]uint16
	narrow func(b []byte) // optional: constrain sub-block scales
}

var (
	blockSpecsOnce sync.Once
	blockSpecs     map[gguf.GGMLType]*blockSpec
)

// halves returns 16 normal halves within ±10% of v (magnitude at least 6.2e-5, above the
// smallest normal half).
func halves(v float64) (t [16]uint16) {
	for i := range t {
		x := v * (0.9 + 0.2*float64(i)/15)
		if math.Abs(x) < 6.2e-5 {
			x = math.Copysign(6.2e-5, x)
		}
		t[i] = f16Bits(float32(x))
	}
	return t
}

// kScalesLow16 keeps every packed 6-bit scale and min of a Q4_K/Q5_K block in 0..15 (bytes
// 0-7 hold the low six bits of the first four and the top two of the last four).
func kScalesLow16(scales []byte) {
	for i := 0; i < 8; i++ {
		scales[i] &= 0x0f
	}
}

// The standard deviations below are of the dequantized value per unit d, for uniformly
// random quants and (narrowed) sub-block scales; each spec's d is weightStd divided by it.
func initBlockSpecs() {
	blockSpecsOnce.Do(func() {
		s := weightStd
		spec := func(size, dAt, minAt int, d, min float64, narrow func([]byte)) *blockSpec {
			b := &blockSpec{size: size, dAt: dAt, minAt: minAt, narrow: narrow}
			if dAt >= 0 {
				b.d = halves(d)
			}
			if minAt >= 0 {
				b.min = halves(min)
			}
			return b
		}
		q41 := s / 4.61 // q uniform 0..15: std 4.61, mean 7.5
		q51 := s / 9.23 // q uniform 0..31: std 9.23, mean 15.5
		iq := s / 67.4  // rms of kvalues_iq4nl
		q2k := s / 13.9 // 4-bit scale and min, q 0..3, dmin = 1.5 d
		q3k := s / 43.3 // (scale − 32) rms 18.5, q − 4 rms 2.35
		q4k := s / 63.5 // scale, min 0..15, q 0..15, dmin = 7.5 d
		q5k := s / 129.7
		q6k := s / (9.25 * 18.48) // int8 scales narrowed to −16..15, q − 32 rms 18.48
		iq4xs := s / (2.24 * 67.4)
		blockSpecs = map[gguf.GGMLType]*blockSpec{
			gguf.TypeQ4_1:   spec(20, 0, 2, q41, -7.5*q41, nil),
			gguf.TypeQ5_0:   spec(22, 0, -1, q51, 0, nil),
			gguf.TypeQ5_1:   spec(24, 0, 2, q51, -15.5*q51, nil),
			gguf.TypeIQ4_NL: spec(18, 0, -1, iq, 0, nil),
			gguf.TypeQ2_K:   spec(84, 80, 82, q2k, 1.5*q2k, nil),
			gguf.TypeQ3_K:   spec(110, 108, -1, q3k, 0, nil),
			gguf.TypeQ4_K:   spec(144, 0, 2, q4k, 7.5*q4k, func(b []byte) { kScalesLow16(b[4:16]) }),
			gguf.TypeQ5_K:   spec(176, 0, 2, q5k, 15.5*q5k, func(b []byte) { kScalesLow16(b[4:16]) }),
			gguf.TypeQ6_K: spec(210, 208, -1, q6k, 0, func(b []byte) {
				for i := 192; i < 208; i++ {
					b[i] = byte(int8(b[i]&31) - 16)
				}
			}),
			// scales_h all 0b10 and scales_l nibbles 1 or 3: every sub-block scale ls − 32 is 1 or 3.
			// kvalues_mxfp4 have rms 5.85: e = 120 or 119 puts the weights at about weightStd.
			gguf.TypeMXFP4: spec(17, -1, -1, 0, 0, func(b []byte) { b[0] = 119 + b[0]&1 }),
			gguf.TypeIQ4_XS: spec(136, 0, -1, iq4xs, 0, func(b []byte) {
				binary.LittleEndian.PutUint16(b[2:], 0xaaaa)
				for i := 4; i < 8; i++ {
					b[i] = b[i]&0x22 | 0x11
				}
			}),
		}
	})
}

// blockSpecOf returns the generator of a block type, or nil when twins cannot write it.
func blockSpecOf(t gguf.GGMLType) *blockSpec {
	initBlockSpecs()
	return blockSpecs[t]
}

// fill writes whole blocks of random payload with valid scales into buf.
func (s *blockSpec) fill(r *rng, buf []byte) {
	var tail [8]byte
	for off := 0; off+s.size <= len(buf); off += s.size {
		b := buf[off : off+s.size]
		i := 0
		for ; i+8 <= len(b); i += 8 {
			binary.LittleEndian.PutUint64(b[i:], r.next())
		}
		if i < len(b) {
			binary.LittleEndian.PutUint64(tail[:], r.next())
			copy(b[i:], tail[:])
		}
		if s.narrow != nil {
			s.narrow(b)
		}
		if s.dAt < 0 {
			continue
		}
		x := r.next()
		binary.LittleEndian.PutUint16(b[s.dAt:], s.d[x&15])
		if s.minAt >= 0 {
			binary.LittleEndian.PutUint16(b[s.minAt:], s.min[(x>>4)&15])
		}
	}
}
