package engine

import (
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
