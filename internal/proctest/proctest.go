// Package proctest holds test helpers shared by packages of every layer, such as running
// the test binary as concurrent writer processes. Only tests import it.
package proctest

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// The variables RunWriters hands each child.
const (
	envPath = "SLMSCOPE_TESTENV_PATH"
	envKey  = "SLMSCOPE_TESTENV_KEY"
	envN    = "SLMSCOPE_TESTENV_N"
)

// RunWriters runs the test binary once per key, all at the same moment, each running only the
// test named test, which reads path, its key and n with Writer. It waits for them all and
// fails t with the output of every child that failed; it skips t when the test binary cannot
// be found.
func RunWriters(t testing.TB, test, path string, n int, keys ...string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	var wg sync.WaitGroup
	fails := make([]string, len(keys))
	for i, key := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^"+test+"$")
			cmd.Env = append(os.Environ(), envPath+"="+path, envKey+"="+key, envN+"="+strconv.Itoa(n))
			if out, err := cmd.CombinedOutput(); err != nil {
				fails[i] = fmt.Sprintf("%s: %v\n%s", key, err, out)
			}
		}()
	}
	wg.Wait()
	failed := false
	for _, f := range fails {
		if f != "" {
			t.Error(f)
			failed = true
		}
	}
	if failed {
		t.FailNow()
	}
}

// Writer returns what RunWriters handed this child: the shared path, the child's key and n.
// Outside such a child it skips t, so the child's test does nothing in a normal run.
func Writer(t testing.TB) (path, key string, n int) {
	t.Helper()
	path = os.Getenv(envPath)
	if path == "" {
		t.Skip("only run as a child")
	}
	n, err := strconv.Atoi(os.Getenv(envN))
	if err != nil {
		t.Fatalf("%s: %v", envN, err)
	}
	return path, os.Getenv(envKey), n
}

// TempDir is t.TempDir for the writer tests, which also run as Windows binaries under Wine
// (make dist-windows-check): Wine 8.0 refuses the calls Go's os.RemoveAll makes on Windows, and
// t.TempDir fails a test whose folder cannot be removed. This one removes it too, and only logs
// a folder that stays, so the test fails on what it checks and nothing else.
func TempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "slmscope-proctest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("left %s: %v", dir, err)
		}
	})
	return dir
}
