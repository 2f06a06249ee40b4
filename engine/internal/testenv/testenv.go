// Package testenv holds test helpers shared by the engine's subpackages: running the test
// binary as concurrent child processes, and the like. Only tests import it.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Child is one run of the test binary: Name labels its failure and Env ("KEY=value" pairs)
// is added to the parent's environment.
type Child struct {
	Name string
	Env  []string
}

// RunChildren runs the test binary once per child, all at the same moment, each running only
// the test named test, and waits for them all. It fails t with the output of every child that
// failed; it skips t when the test binary cannot be found.
func RunChildren(t testing.TB, test string, children ...Child) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	var wg sync.WaitGroup
	fails := make([]string, len(children))
	for i, c := range children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^"+test+"$")
			cmd.Env = append(os.Environ(), c.Env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				fails[i] = fmt.Sprintf("%s: %v\n%s", c.Name, err, out)
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

// ChildVar returns the environment variable key, which RunChildren's caller sets for its
// children; without it t is skipped, so the child's test does nothing in a normal run.
func ChildVar(t testing.TB, key string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		t.Skip("only run as a child")
	}
	return v
}
