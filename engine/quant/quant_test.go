package quant

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		want    Quant
		wantErr string
	}{
		{"q4_k_m", Q4_K_M, ""},
		{" BF16 ", BF16, ""},
		{"Q8_0", Q8_0, ""},
		{"q9", "", `unknown quantization "q9": use one of F32, BF16`},
		{"", "", "unknown quantization"},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Parse(%q) error = %v, want %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestJSONReadsOldLowerCase(t *testing.T) {
	var v struct {
		Q Quant `json:"quant"`
	}
	if err := json.Unmarshal([]byte(`{"quant":"q8_0"}`), &v); err != nil || v.Q != Q8_0 {
		t.Fatalf("got %q, %v", v.Q, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"quant":"Q8_0"}` {
		t.Fatalf("marshal: %s", b)
	}
	if Q4_K_M.FileTag() != "q4_k_m" {
		t.Fatal(Q4_K_M.FileTag())
	}
	qs, err := ParseList("q8_0,Q4_K_M")
	if err != nil || len(qs) != 2 || qs[1] != Q4_K_M {
		t.Fatalf("ParseList: %v %v", qs, err)
	}
}
