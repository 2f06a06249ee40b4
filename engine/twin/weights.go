package twin

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"io"
	"math"
	"math/bits"
	"runtime"
	"sync"

	"slmscope/engine/gguf"
)

// Weights are uniform with standard deviation weightStd (like a N(0, 0.02) initialisation),
// so activations stay small and finite whatever the prompt.
const weightStd = 0.02

// chunkBytes is the amount of tensor data one goroutine generates at a time. Each chunk has
// its own seed (model, tensor, chunk index), so output does not depend on the worker count.
const chunkBytes = 1 << 20

// rng is wyrand: tiny, fast and good enough for weights nobody reads.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(uint64(*r), uint64(*r)^0xe7037ed1a0b428db)
	return hi ^ lo
}

// seedFor derives a tensor's seed from the model ID and tensor name.
func seedFor(modelID, tensor string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(modelID))
	h.Write([]byte{0})
	h.Write([]byte(tensor))
	return h.Sum64()
}

// chunkSeed mixes a tensor seed with a chunk index (splitmix64 finaliser).
func chunkSeed(seed uint64, chunk int) rng {
	z := seed + uint64(chunk+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return rng(z ^ (z >> 31))
}

// f16Bits converts a float32 to IEEE half precision, rounding to nearest even. Values too
// small for a normal half become signed zero; too large become infinity.
func f16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0 || exp <= 0:
		return sign
	case exp >= 31:
		return sign | 0x7c00
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which is still the right answer
	}
	return sign | uint16(h)
}

// f16Value converts half-precision bits back to float32 (normals, zero, inf and NaN).
func f16Value(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		return math.Float32frombits(sign) * 0 // zero (subnormals are never produced here)
	case 31:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// f16Normal reports whether half-precision bits hold a finite, normal, non-zero number.
func f16Normal(h uint16) bool {
	e := h >> 10 & 0x1f
	return e != 0 && e != 31
}

var (
	tablesOnce sync.Once
	// f16Table maps 16 random bits to a half-precision weight, uniform over ±√3·weightStd;
	// values too small for a normal half are zero.
	f16Table [1 << 16]uint16
	// q8Scales and q4Scales are per-block scales (16 of them, ±10% around the value that
	// gives weightStd); all are normal halves.
	q8Scales, q4Scales [16]uint16
)

func initTables() {
	tablesOnce.Do(func() {
		a := weightStd * math.Sqrt(3)
		for i := range f16Table {
			v := a * (2*(float64(i)+0.5)/float64(len(f16Table)) - 1)
			if math.Abs(v) < 6.2e-5 {
				v = 0
			}
			f16Table[i] = f16Bits(float32(v))
		}
		// Q8_0 quants are uniform bytes in [-128, 127] (std ≈ 73.9); Q4_0 nibbles minus 8
		// are uniform in [-8, 7] (std ≈ 4.61).
		for i := range q8Scales {
			k := 0.9 + 0.2*float64(i)/15
			q8Scales[i] = f16Bits(float32(k * weightStd / 73.9))
			q4Scales[i] = f16Bits(float32(k * weightStd / 4.61))
		}
	})
}

// genChunk fills buf (a whole number of blocks, or elements for F16/F32) for tensor type t.
func genChunk(t gguf.GGMLType, k tensorKind, r rng, buf []byte) {
	switch {
	case k == kindNorm:
		one := math.Float32bits(1)
		for i := 0; i+4 <= len(buf); i += 4 {
			binary.LittleEndian.PutUint32(buf[i:], one)
		}
	case k == kindBias || t == gguf.TypeF32:
		a := weightStd * math.Sqrt(3)
		for i := 0; i+4 <= len(buf); i += 4 {
			u := float64(int32(r.next()>>32)) / (1 << 31) // [-1, 1)
			binary.LittleEndian.PutUint32(buf[i:], math.Float32bits(float32(a*u)))
		}
	case t == gguf.TypeF16:
		i := 0
		for ; i+8 <= len(buf); i += 8 {
			x := r.next()
			binary.LittleEndian.PutUint16(buf[i:], f16Table[uint16(x)])
			binary.LittleEndian.PutUint16(buf[i+2:], f16Table[uint16(x>>16)])
			binary.LittleEndian.PutUint16(buf[i+4:], f16Table[uint16(x>>32)])
			binary.LittleEndian.PutUint16(buf[i+6:], f16Table[uint16(x>>48)])
		}
		for ; i+2 <= len(buf); i += 2 {
			binary.LittleEndian.PutUint16(buf[i:], f16Table[uint16(r.next())])
		}
	case t == gguf.TypeQ8_0: // block: f16 scale, 32 int8
		for i := 0; i+34 <= len(buf); i += 34 {
			x := r.next()
			binary.LittleEndian.PutUint16(buf[i:], q8Scales[x&15])
			binary.LittleEndian.PutUint64(buf[i+2:], r.next())
			binary.LittleEndian.PutUint64(buf[i+10:], r.next())
			binary.LittleEndian.PutUint64(buf[i+18:], r.next())
			binary.LittleEndian.PutUint64(buf[i+26:], r.next())
		}
	case t == gguf.TypeQ4_0: // block: f16 scale, 16 bytes of 4-bit quants
		for i := 0; i+18 <= len(buf); i += 18 {
			x := r.next()
			binary.LittleEndian.PutUint16(buf[i:], q4Scales[x&15])
			binary.LittleEndian.PutUint64(buf[i+2:], r.next())
			binary.LittleEndian.PutUint64(buf[i+10:], r.next())
		}
	default: // K-quants, IQ4_XS/NL, Q4_1, Q5_0, Q5_1 (blocks.go)
		if s := blockSpecOf(t); s != nil {
			s.fill(&r, buf)
		}
	}
}

// unitBytes is the size of the smallest piece genChunk can fill for type t.
func unitBytes(t gguf.GGMLType, k tensorKind) int {
	if k != kindMatrix {
		return 4
	}
	return int(t.TypeSize())
}

// generator fills tensors in parallel chunks and writes them in order.
type generator struct {
	ctx     context.Context
	modelID string
	workers int
	free    chan []byte
}

func newGenerator(ctx context.Context, modelID string) *generator {
	initTables()
	w := max(1, runtime.GOMAXPROCS(0))
	return &generator{ctx: ctx, modelID: modelID, workers: w, free: make(chan []byte, 2*w+2)}
}

func (g *generator) close() {
	for {
		select {
		case <-g.free:
		default:
			return
		}
	}
}

func (g *generator) buffer(n int) []byte {
	select {
	case b := <-g.free:
		if cap(b) >= n {
			return b[:n]
		}
	default:
	}
	return make([]byte, n, max(n, chunkBytes))
}

func (g *generator) recycle(b []byte) {
	select {
	case g.free <- b:
	default:
	}
}

type chunkJob struct {
	buf  []byte
	done chan struct{}
}

// chunkPlan is how one tensor's data is cut into chunks. Each chunk has its own seed, so any
// goroutine can make any chunk and the bytes do not depend on how the work is shared.
type chunkPlan struct {
	typ    gguf.GGMLType
	kind   tensorKind
	seed   uint64
	per    int    // bytes in every chunk but the last: a whole number of units
	size   uint64 // bytes in all
	chunks int
}

// planChunks cuts tensor t of model modelID into chunks of about chunkBytes.
func planChunks(modelID string, t gguf.TensorSpec, k tensorKind) (chunkPlan, error) {
	size, err := t.Bytes()
	if err != nil {
		return chunkPlan{}, err
	}
	unit := unitBytes(t.Type, k)
	per := max(1, chunkBytes/unit) * unit
	return chunkPlan{
		typ:    t.Type,
		kind:   k,
		seed:   seedFor(modelID, t.Name),
		per:    per,
		size:   size,
		chunks: int((size + uint64(per) - 1) / uint64(per)),
	}, nil
}

// sizeOf is the length of chunk c: per, or what is left for the last one.
func (p chunkPlan) sizeOf(c int) int {
	return int(min(uint64(p.per), p.size-uint64(c)*uint64(p.per)))
}

// gen fills buf with chunk c's bytes.
func (p chunkPlan) gen(c int, buf []byte) {
	genChunk(p.typ, p.kind, chunkSeed(p.seed, c), buf)
}

// fill writes tensor t's data to w: generated in chunks of about chunkBytes by up to
// g.workers goroutines, written strictly in order, checking for cancellation between chunks.
func (g *generator) fill(w io.Writer, t gguf.TensorSpec, k tensorKind) error {
	if err := g.ctx.Err(); err != nil {
		return err
	}
	p, err := planChunks(g.modelID, t, k)
	if err != nil {
		return err
	}
	if p.chunks == 1 {
		return g.fillOne(w, p)
	}
	return g.fillParallel(w, p)
}

// fillOne writes a tensor of a single chunk, which gains nothing from goroutines.
func (g *generator) fillOne(w io.Writer, p chunkPlan) error {
	buf := g.buffer(p.sizeOf(0))
	p.gen(0, buf)
	_, err := w.Write(buf)
	g.recycle(buf)
	return err
}

// fillParallel writes p's chunks to w in order while produceChunks generates those ahead;
// on an error or cancellation it stops the producer and waits for every generating
// goroutine before returning, so no buffer is written to after fill returns.
func (g *generator) fillParallel(w io.Writer, p chunkPlan) error {
	jobs := make(chan *chunkJob, 2*g.workers)
	stop := make(chan struct{})
	var gens sync.WaitGroup
	producerDone := make(chan struct{})
	go func() {
		defer close(producerDone)
		defer close(jobs)
		g.produceChunks(p, jobs, stop, &gens)
	}()
	finish := func(err error) error {
		close(stop)
		<-producerDone
		gens.Wait()
		return err
	}
	for j := range jobs {
		<-j.done
		if err := g.ctx.Err(); err != nil {
			return finish(err)
		}
		if _, err := w.Write(j.buf); err != nil {
			return finish(err)
		}
		g.recycle(j.buf)
	}
	return finish(nil)
}

// produceChunks starts one goroutine per chunk, at most g.workers generating at a time, and
// queues the chunks on jobs in order, until all are queued or stop is closed.
func (g *generator) produceChunks(p chunkPlan, jobs chan<- *chunkJob, stop <-chan struct{}, gens *sync.WaitGroup) {
	sem := make(chan struct{}, g.workers)
	for c := 0; c < p.chunks; c++ {
		select {
		case sem <- struct{}{}:
		case <-stop:
			return
		}
		j := &chunkJob{buf: g.buffer(p.sizeOf(c)), done: make(chan struct{})}
		gens.Add(1)
		go func(c int) {
			defer gens.Done()
			p.gen(c, j.buf)
			<-sem
			close(j.done)
		}(c)
		select {
		case jobs <- j:
		case <-stop:
			return
		}
	}
}
