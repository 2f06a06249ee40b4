package lessons

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestProgressHelperProcess is the child of TestProgressTwoProcesses: it opens the store
// once, as the app does, and answers n questions of its own and n of a shared one.
func TestProgressHelperProcess(t *testing.T) {
	path, who := os.Getenv("LESSONS_PROGRESS_PATH"), os.Getenv("LESSONS_PROGRESS_WHO")
	if path == "" {
		t.Skip("only run as a child")
	}
	n, _ := strconv.Atoi(os.Getenv("LESSONS_PROGRESS_N"))
	s := OpenStore(path)
	for i := 0; i < n; i++ {
		must(t, s.RecordAnswer("lesson8", single(fmt.Sprintf("%s-%d", who, i)), Answer{Choices: []int{0}}, true, time.Now()))
		must(t, s.RecordAnswer("lesson8", single("shared"), Answer{Choices: []int{0}}, true, time.Now()))
	}
	must(t, s.RecordSession("lesson8", Score{Correct: 1, Total: 1, Answered: 1}, false, time.Now()))
}

// TestProgressTwoProcesses: the app and the command line answering at the same moment lose
// no progress entry: every question of both is there, and the shared one counts all tries.
func TestProgressTwoProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	path := filepath.Join(t.TempDir(), "progress.json")
	const n = 25
	var wg sync.WaitGroup
	fails := make([]string, 2)
	for i, who := range []string{"app", "cli"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^TestProgressHelperProcess$")
			cmd.Env = append(os.Environ(), "LESSONS_PROGRESS_PATH="+path, "LESSONS_PROGRESS_WHO="+who, fmt.Sprintf("LESSONS_PROGRESS_N=%d", n))
			if out, err := cmd.CombinedOutput(); err != nil {
				fails[i] = fmt.Sprintf("%s: %v\n%s", who, err, out)
			}
		}()
	}
	wg.Wait()
	for _, f := range fails {
		if f != "" {
			t.Fatal(f)
		}
	}
	s := OpenStore(path)
	if w := s.Warning(); w != "" {
		t.Fatal(w)
	}
	lp := s.Snapshot().Lessons["lesson8"]
	lost := 0
	for _, who := range []string{"app", "cli"} {
		for i := 0; i < n; i++ {
			if lp.Questions[fmt.Sprintf("%s-%d", who, i)] == nil {
				lost++
			}
		}
	}
	if lost > 0 || lp.Questions["shared"].Attempts != 2*n || lp.Sessions != 2 {
		t.Fatalf("lost %d entries; shared attempts %d (want %d); sessions %d (want 2)", lost, lp.Questions["shared"].Attempts, 2*n, lp.Sessions)
	}
}
