package cli

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"slmscope/internal/safefile"
)

// TestBadNumbersAreUsageErrors: out-of-range numbers and unusable paths on every command
// are refused at once with exit code 2 and a message naming the flag, never a panic.
func TestBadNumbersAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--threads", "-1"}, "--threads"},
		{[]string{"bench", "--threads", "100000"}, "logical CPUs"},
		{[]string{"bench", "--gen-tokens", "0"}, "--gen-tokens"},
		{[]string{"bench", "--gen-tokens", "1000000000"}, "ask for fewer"},
		{[]string{"bench", "--prompt-tokens", "1000000000"}, "--prompt-tokens"},
		{[]string{"bench", "--context", "1000000000"}, "smaller context"},
		{[]string{"bench", "--context", "-1"}, "negative"},
		{[]string{"bench", "--repeat", "1000000"}, "--repeat"},
		{[]string{"bench", "--threads", "1e309"}, "invalid value"},
		{[]string{"project", "--context", "0"}, "--context"},
		{[]string{"project", "--context", "1000000000"}, "smaller context"},
		{[]string{"project", "--prompt", "1000000000"}, "--prompt"},
		{[]string{"report", "--out", filepath.Join(dir, "r.html"), "--context", "1000000000"}, "smaller context"},
		{[]string{"report", "--out", dir}, "folder"},
		{[]string{"calibrate", "--threads", "100000"}, "logical CPUs"},
		{[]string{"calibrate", "--threads", "-1"}, "--threads"},
		{[]string{"twin", "--model", "tiny", "--out", dir}, "folder"},
	}
	if runtime.GOOS != "windows" {
		fifo := filepath.Join(dir, "pipe.gguf")
		if err := safefile.MakeFIFO(fifo); err == nil {
			cases = append(cases, struct {
				args []string
				want string
			}{[]string{"twin", "--model", "tiny", "--out", fifo}, "named pipe"})
		}
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- Run(c.args, &out, &errb) }()
			select {
			case code := <-done:
				if code != ExitUsage || !strings.Contains(errb.String(), c.want) {
					t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errb.String(), c.want)
				}
			case <-time.After(time.Minute): // a hang guard, not a speed goal
				t.Fatal("hung")
			}
		})
	}
}
