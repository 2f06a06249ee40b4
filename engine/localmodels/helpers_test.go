package localmodels

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"slmscope/engine/gguf"
)

// tinyParams is the parameter count of the model tinyModel writes with layers=1.
const tinyWidth, tinyVocab = 32, 64

// tinyKVs is the metadata of a tiny llama-shaped model that passes CheckModel.
func tinyKVs(name string, layers int, extra ...gguf.KV) []gguf.KV {
	return append([]gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "general.name", Value: gguf.String(name)},
		{Key: "general.file_type", Value: gguf.Uint32(7)}, // Q8_0
		{Key: "llama.block_count", Value: gguf.Uint32(uint32(layers))},
		{Key: "llama.context_length", Value: gguf.Uint32(2048)},
		{Key: "llama.embedding_length", Value: gguf.Uint32(tinyWidth)},
		{Key: "llama.attention.head_count", Value: gguf.Uint32(4)},
		{Key: "llama.attention.head_count_kv", Value: gguf.Uint32(2)},
	}, extra...)
}

// tinyTensors are the tensors of layers [from, to) plus, when embd is set, the embeddings.
func tinyTensors(embd bool, from, to int) []gguf.TensorSpec {
	var ts []gguf.TensorSpec
	if embd {
		ts = append(ts, gguf.TensorSpec{Name: "token_embd.weight", Dims: []uint64{tinyWidth, tinyVocab}, Type: gguf.TypeQ8_0},
			gguf.TensorSpec{Name: "output_norm.weight", Dims: []uint64{tinyWidth}, Type: gguf.TypeF32})
	}
	for l := from; l < to; l++ {
		ts = append(ts, gguf.TensorSpec{Name: fmt.Sprintf("blk.%d.attn_norm.weight", l), Dims: []uint64{tinyWidth}, Type: gguf.TypeF32},
			gguf.TensorSpec{Name: fmt.Sprintf("blk.%d.attn_q.weight", l), Dims: []uint64{tinyWidth, tinyWidth}, Type: gguf.TypeQ8_0})
	}
	return ts
}

// paramsOf counts the elements of tensors.
func paramsOf(ts []gguf.TensorSpec) uint64 {
	var n uint64
	for _, t := range ts {
		e, _ := gguf.Elements(t.Dims)
		n += e
	}
	return n
}

func zeros(_ int, t gguf.TensorSpec, w io.Writer) error {
	n, err := t.Bytes()
	if err != nil {
		return err
	}
	_, err = w.Write(make([]byte, n))
	return err
}

// writeGGUF writes a GGUF file, creating its folder.
func writeGGUF(t testing.TB, path string, kvs []gguf.KV, ts []gguf.TensorSpec) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := gguf.WriteFile(path, kvs, ts, zeros); err != nil {
		t.Fatal(err)
	}
}

// writeTiny writes a one-layer model that passes every check.
func writeTiny(t testing.TB, path string) {
	writeGGUF(t, path, tinyKVs(filepath.Base(path), 1), tinyTensors(true, 0, 1))
}

// tinyParams is the parameter count of writeTiny's model.
var tinyParams = paramsOf(tinyTensors(true, 0, 1))

// writeSplit writes a two-layer model as two parts: embeddings and layer 0, then layer 1.
func writeSplit(t testing.TB, dir, prefix string) (params uint64) {
	p1 := tinyTensors(true, 0, 1)
	p2 := tinyTensors(false, 1, 2)
	split := func(no int) []gguf.KV {
		return []gguf.KV{{Key: "split.no", Value: gguf.Uint16(uint16(no))}, {Key: "split.count", Value: gguf.Uint16(2)},
			{Key: "split.tensors.count", Value: gguf.Int32(int32(len(p1) + len(p2)))}}
	}
	writeGGUF(t, filepath.Join(dir, prefix+"-00001-of-00002.gguf"), tinyKVs(prefix, 2, split(0)...), p1)
	writeGGUF(t, filepath.Join(dir, prefix+"-00002-of-00002.gguf"), split(1), p2)
	return paramsOf(p1) + paramsOf(p2)
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// fixture is a temporary machine: a home folder, a root for system paths and an environment.
type fixture struct {
	t    testing.TB
	dir  string
	home string
	root string
	env  map[string]string
}

func newFixture(t testing.TB) *fixture {
	dir := t.TempDir()
	return &fixture{t: t, dir: dir, home: filepath.Join(dir, "home"), root: filepath.Join(dir, "root"), env: map[string]string{}}
}

func (f *fixture) options() Options {
	return Options{Env: Env{Home: f.home, Root: f.root, GOOS: "linux", Getenv: func(k string) string { return f.env[k] }}}
}

func (f *fixture) scan(opts Options) []Model {
	f.t.Helper()
	ms, err := Scan(context.Background(), opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return ms
}

// ollamaModel writes a manifest naming a model blob whose content is written by blob (when
// non-nil) and returns the blob path.
func (f *fixture) ollamaModel(root, host, ns, model, tag, hex string, size int64, blob func(path string)) string {
	f.t.Helper()
	if size == 0 {
		size = -1
	}
	bp := filepath.Join(root, "blobs", "sha256-"+hex)
	if blob != nil {
		blob(bp)
		if fi, err := os.Stat(bp); err == nil && size < 0 {
			size = fi.Size()
		}
	}
	manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%064x","size":485},
"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d},
{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:%064x","size":10}]}`, 1, hex, max(size, 0), 2)
	writeFile(f.t, filepath.Join(root, "manifests", host, ns, model, tag), manifest)
	return bp
}

// hexOf returns a 64-digit hex string made from n.
func hexOf(n int) string { return fmt.Sprintf("%064x", n) }

// byName indexes models by source and name.
func byName(ms []Model) map[string]Model {
	out := map[string]Model{}
	for _, m := range ms {
		out[string(m.Source)+":"+m.Name] = m
	}
	return out
}
