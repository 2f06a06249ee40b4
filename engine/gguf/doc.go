// Package gguf reads and writes GGUF model files (versions 2 and 3, little-endian) with the
// standard library only.
//
// The reader (Open, Parse) validates everything before llama.cpp ever sees a file: magic,
// version, counts against sane limits and the file size, string and array lengths, value
// types, tensor names, dimensions, types, row/block divisibility, data offsets, alignment
// and that all tensor data lies inside the file, packed the way llama.cpp expects. Nothing
// sized by the file's own counts is allocated before it is checked against the bytes left,
// so a corrupt or hostile header costs at most a small multiple of the file size. Problems
// come back as *FormatError, worded for a person. (*File).CheckModel adds the model-level
// checks that stop llama.cpp from aborting (layer count, heads, vocab-only files).
//
// The writer (Write, WriteFile) streams a file: header and tensor table first, then each
// tensor's data from a fill callback, so multi-gigabyte files never sit in memory.
// HeaderSize and FileSize give the exact layout before writing.
//
// The type tables (GGMLType, BlockSize, TypeSize, TensorBytes) mirror ggml.c's type_traits
// in llama.cpp v0.5.0 and are exact.
package gguf
