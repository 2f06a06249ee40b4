package engine

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDescribeFailure(t *testing.T) {
	kill := &CrashError{During: "generating", Signal: "SIGKILL", Log: []string{"llama_decode: ok"}}
	f := DescribeFailure(kill, 38)
	if f.Line != "The model process was killed (SIGKILL) after 38 tokens; the app is fine — press Run to start again." {
		t.Errorf("line %q", f.Line)
	}
	if !strings.Contains(f.Details, "\nllama_decode: ok") || !strings.Contains(f.Details, "was killed by SIGKILL") || strings.Count(f.Details, "llama_decode") != 1 {
		t.Errorf("details %q", f.Details)
	}
	oom := &CrashError{During: "loading x.gguf", Signal: "SIGKILL", OutOfMemory: true}
	if f := DescribeFailure(oom, 0); !strings.HasPrefix(f.Line, "The model process ran out of memory: the system stopped it (SIGKILL); the app is fine") {
		t.Errorf("oom line %q", f.Line)
	}
	abort := &CrashError{During: "generating", Signal: "SIGABRT"}
	if f := DescribeFailure(abort, 1); !strings.Contains(f.Line, "crashed (SIGABRT) after 1 token;") {
		t.Errorf("abort line %q", f.Line)
	}
	stall := &StallError{During: "generating", Silence: 60 * time.Second, Log: []string{"last"}}
	if f := DescribeFailure(stall, 5); !strings.Contains(f.Line, "stopped responding (nothing for 1.0 min) after 5 tokens") || !strings.Contains(f.Details, "last") {
		t.Errorf("stall %+v", f)
	}
	plain := errors.New("choose a model first")
	if f := DescribeFailure(plain, 0); f.Line != "choose a model first" || f.Details != "" {
		t.Errorf("plain %+v", f)
	}
}
