package gguf

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// notGGUF is a kind of file that people mistake for a model, known by how it starts.
type notGGUF struct {
	magic []byte
	what  string // "is ...", "looks like ...", to follow the file's name
}

// notGGUFMagics lists the files sniff recognises by their first bytes, in the order checked.
var notGGUFMagics = []notGGUF{
	{[]byte("\x7fELF"), "is an executable (ELF binary), not a model"},
	{[]byte("MZ"), "is an executable (Windows PE/EXE or DLL), not a model"},
	{[]byte{0xfe, 0xed, 0xfa, 0xce}, machO},
	{[]byte{0xfe, 0xed, 0xfa, 0xcf}, machO},
	{[]byte{0xce, 0xfa, 0xed, 0xfe}, machO},
	{[]byte{0xcf, 0xfa, 0xed, 0xfe}, machO},
	{[]byte{0xca, 0xfe, 0xba, 0xbe}, machO},
	{[]byte("FUGG"), "is a big-endian GGUF file; slmscope and llama.cpp on this machine read little-endian GGUF only"},
	{[]byte("PK\x03\x04"), "is a zip archive (a PyTorch checkpoint or a zipped model?), not GGUF: unzip it or convert it to GGUF"},
	{[]byte{0x1f, 0x8b}, "is gzip-compressed, not GGUF: decompress it first"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "is zstd-compressed, not GGUF: decompress it first"},
}

const machO = "is an executable (Mach-O binary), not a model"

// sniff names what a file that is not GGUF looks like, from its first bytes.
func sniff(head []byte, size int64) string {
	for _, k := range notGGUFMagics {
		if bytes.HasPrefix(head, k.magic) {
			return k.what
		}
	}
	// safetensors: a little-endian header length, then the JSON header.
	if len(head) >= 10 && head[8] == '{' && head[9] == '"' && int64(binary.LittleEndian.Uint64(head)) < size {
		return "looks like a safetensors file, not GGUF: convert it with llama.cpp's convert_hf_to_gguf.py"
	}
	if looksText(head) {
		return "looks like a text file, not GGUF (it starts with " + strconv.Quote(string(head[:min(len(head), 24)])) + ")"
	}
	return ""
}

// looksText reports whether b is UTF-8 text without control characters other than
// whitespace (a cut-off last character is allowed).
func looksText(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' || r == 0x7f {
			return false
		}
		i += n
	}
	return true
}
