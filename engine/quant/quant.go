// Package quant names quantizations once for the whole app. A Quant is the canonical,
// upper-case name llama.cpp and model cards use ("F16", "Q8_0", "Q4_K_M"); user input and old
// files are parsed at the edges with Parse, and every map, preference and comparison uses the
// canonical value.
package quant

import (
	"fmt"
	"strings"
)

// Quant is a quantization: F32, BF16, F16, Q8_0, Q4_0 and the plain K types Q5_K, Q4_K, Q3_K
// mean every 2-D weight matrix in that type, as `llama-quantize --pure` writes them;
// Q6_K, Q5_K_M, Q5_K_S, Q4_K_M, Q4_K_S, IQ4_XS, Q3_K_L, Q3_K_M, Q3_K_S and Q2_K are
// llama.cpp's per-tensor recipes of those file types, as `llama-quantize` (and every GGUF
// repository) writes them. TensorType in recipe.go is the one place that types a tensor.
type Quant string

// The quantizations slmscope knows by name.
const (
	F32    Quant = "F32"
	BF16   Quant = "BF16"
	F16    Quant = "F16"
	Q8_0   Quant = "Q8_0"
	Q6_K   Quant = "Q6_K"
	Q5_K_M Quant = "Q5_K_M"
	Q5_K_S Quant = "Q5_K_S"
	Q5_K   Quant = "Q5_K"
	Q4_K_M Quant = "Q4_K_M"
	Q4_K_S Quant = "Q4_K_S"
	Q4_K   Quant = "Q4_K"
	Q4_0   Quant = "Q4_0"
	IQ4_XS Quant = "IQ4_XS"
	Q3_K_L Quant = "Q3_K_L"
	Q3_K_M Quant = "Q3_K_M"
	Q3_K_S Quant = "Q3_K_S"
	Q3_K   Quant = "Q3_K"
	Q2_K   Quant = "Q2_K"
	// MXFP4_MOE is llama.cpp's file type for mixtures of experts as gpt-oss is published:
	// expert matrices in MXFP4, every other matrix in Q8_0.
	MXFP4_MOE Quant = "MXFP4_MOE"
)

// known lists every name Parse accepts, in the order the app shows them (largest first).
var known = []Quant{F32, BF16, F16, Q8_0, Q6_K, Q5_K_M, Q5_K_S, Q5_K, Q4_K_M, Q4_K_S, Q4_K, Q4_0,
	MXFP4_MOE, IQ4_XS, Q3_K_L, Q3_K_M, Q3_K_S, Q3_K, Q2_K}

// Known returns the quantizations Parse accepts, largest first.
func Known() []Quant { return append([]Quant(nil), known...) }

// Parse reads a user's or a file's spelling ("q4_k_m", " BF16 ") and returns the canonical
// Quant, or an error that lists the names that exist.
func Parse(s string) (Quant, error) {
	q := Canonical(s)
	for _, k := range known {
		if q == k {
			return q, nil
		}
	}
	return "", fmt.Errorf("unknown quantization %q: use one of %s", s, Join(known, ", "))
}

// Canonical upper-cases and trims s without checking that the name is known; it is for
// reading stored values written by older versions (lower-case "q8_0"), which stay readable
// even when a later version drops a name.
func Canonical(s string) Quant { return Quant(strings.ToUpper(strings.TrimSpace(s))) }

// String is the canonical name.
func (q Quant) String() string { return string(q) }

// FileTag is the lower-case form used in file names ("q8_0").
func (q Quant) FileTag() string { return strings.ToLower(string(q)) }

// UnmarshalText canonicalises stored spellings, so "q8_0" in an old cache reads as Q8_0.
func (q *Quant) UnmarshalText(b []byte) error {
	*q = Canonical(string(b))
	return nil
}

// Join writes qs separated by sep.
func Join(qs []Quant, sep string) string {
	parts := make([]string, len(qs))
	for i, q := range qs {
		parts[i] = string(q)
	}
	return strings.Join(parts, sep)
}

// ParseList reads a comma-separated list ("q8_0,Q4_K_M").
func ParseList(s string) ([]Quant, error) {
	var out []Quant
	for _, part := range strings.Split(s, ",") {
		q, err := Parse(part)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}
