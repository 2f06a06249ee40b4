package engine

import (
	"slmscope/engine/units"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestUTF8BufferHoldsSplitCharacters(t *testing.T) {
	text := "héllo → 世界 🙂 done"
	b := []byte(text)
	for split := 1; split <= 4; split++ {
		var buf UTF8Buffer
		var out strings.Builder
		for i := 0; i < len(b); i += split {
			got := buf.Write(b[i:min(i+split, len(b))])
			if !utf8.ValidString(got) {
				t.Fatalf("split %d: emitted invalid UTF-8 %q", split, got)
			}
			out.WriteString(got)
		}
		out.WriteString(buf.Flush())
		if out.String() != text {
			t.Errorf("split %d: %q, want %q", split, out.String(), text)
		}
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{nil, 50, 0},
		{[]float64{5}, 95, 5},
		{[]float64{1, 2, 3, 4, 5}, 50, 3},
		{[]float64{5, 1, 4, 2, 3}, 0, 1},
		{[]float64{1, 2, 3, 4, 5}, 100, 5},
		{[]float64{10, 20}, 50, 15},
	}
	for _, tt := range tests {
		if got := units.Percentile(tt.xs, tt.p); got != tt.want {
			t.Errorf("units.Percentile(%v, %v) = %v, want %v", tt.xs, tt.p, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	counts := map[int64]string{134_515_008: "135M", 1_711_376_384: "1.71B", 70_553_706_496: "70.6B", 405_000_000_000: "405B", 999: "999"}
	for n, want := range counts {
		if got := units.Params(n); got != want {
			t.Errorf("units.Params(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCrashErrorSaysWhatHappened(t *testing.T) {
	e := &CrashError{During: "loading x.gguf", Signal: "SIGABRT", Log: []string{"GGML_ASSERT(n_layer < 512) failed"}}
	msg := e.Error()
	for _, want := range []string{"SIGABRT", "llama.cpp aborted", "loading x.gguf", "GGML_ASSERT", "next run starts a fresh worker"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

func TestLogTailKeepsLastLines(t *testing.T) {
	l := newLogTail(3)
	l.Write([]byte("a\nb\nc\n"))
	l.Write([]byte("d\npartial"))
	got := strings.Join(l.Lines(10), ",")
	if got != "b,c,d,partial" {
		t.Errorf("lines = %q", got)
	}
}
