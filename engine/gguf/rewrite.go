package gguf

import (
	"fmt"
	"io"
	"os"
)

// Rewrite copies the GGUF file src to dst with its metadata changed by edit (which gets a
// copy of the key/value pairs in file order and returns the new ones); the tensor table and
// tensor data are copied unchanged. It is how slmscope makes a twin that carries a real
// model's chat template, or one without the twin marker. dst is written atomically
// (see WriteFile).
func Rewrite(src, dst string, edit func([]KV) []KV) error {
	f, err := Open(src)
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", src, err)
	}
	defer in.Close()
	kvs := append([]KV(nil), f.KVs...)
	if edit != nil {
		kvs = edit(kvs)
	}
	specs := make([]TensorSpec, len(f.Tensors))
	for i, t := range f.Tensors {
		specs[i] = t.Spec()
	}
	return WriteFile(dst, kvs, specs, func(i int, _ TensorSpec, w io.Writer) error {
		t := f.Tensors[i]
		_, err := io.Copy(w, io.NewSectionReader(in, f.DataOffset+int64(t.Offset), int64(t.Bytes)))
		return err
	})
}

// WithKV returns kvs with key set to v: replaced in place when present, else appended.
func WithKV(kvs []KV, key string, v Value) []KV {
	for i, kv := range kvs {
		if kv.Key == key {
			kvs[i].Value = v
			return kvs
		}
	}
	return append(kvs, KV{Key: key, Value: v})
}

// WithoutKV returns kvs without the pairs whose key drop accepts.
func WithoutKV(kvs []KV, drop func(key string) bool) []KV {
	out := kvs[:0:0]
	for _, kv := range kvs {
		if !drop(kv.Key) {
			out = append(out, kv)
		}
	}
	return out
}
