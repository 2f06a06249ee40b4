package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"slmscope/internal/safefile"
)

var t0 = time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)

func single(id string) Question {
	return Question{ID: id, Kind: KindSingle, Choice: []Choice{{Text: "right", Correct: true}, {Text: "wrong"}}}
}

func TestProgressSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slmscope", "progress.json")
	s := OpenStore(path)
	if s.Warning() != "" {
		t.Fatalf("fresh store warns: %s", s.Warning())
	}
	must(t, s.RecordAnswer("lesson8", single("q1"), Answer{Choices: []int{1}}, false, t0))
	must(t, s.RecordAnswer("lesson8", single("q1"), Answer{Choices: []int{0}}, true, t0.Add(time.Minute)))
	must(t, s.RecordSession("lesson8", Score{Correct: 3, Answered: 4, Total: 4}, false, t0))
	must(t, s.RecordSession("lesson8", Score{Correct: 2, Answered: 4, Total: 4}, false, t0.Add(time.Hour)))
	must(t, s.RecordSession("lesson8", Score{Correct: 1, Answered: 1, Total: 1}, true, t0.Add(2*time.Hour)))

	re := OpenStore(path) // "restart"
	if re.Warning() != "" {
		t.Fatalf("reopened store warns: %s", re.Warning())
	}
	lp := re.Snapshot().Lessons["lesson8"]
	if lp == nil {
		t.Fatal("lesson8 progress lost")
	}
	q := lp.Questions["q1"]
	if q.Attempts != 2 || q.Correct != 1 || !q.LastCorrect || q.LastAnswer != "right" || !q.FirstAt.Equal(t0) || !q.LastAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("question progress = %+v", q)
	}
	if lp.Best.Correct != 3 || lp.Best.Retry || lp.Last.Correct != 1 || !lp.Last.Retry || lp.Sessions != 3 {
		t.Errorf("best %+v last %+v sessions %d", lp.Best, lp.Last, lp.Sessions)
	}
	if got := lp.Summary(); got != "best 3/4 · last 1/1 (retry) · 2 answers given" {
		t.Errorf("summary %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestProgressBadFilesMovedAside(t *testing.T) {
	valid := func() []byte {
		dir := t.TempDir()
		s := OpenStore(filepath.Join(dir, "p.json"))
		must(t, s.RecordAnswer("lesson8", single("q1"), Answer{Choices: []int{0}}, true, t0))
		data, err := os.ReadFile(filepath.Join(dir, "p.json"))
		must(t, err)
		return data
	}()
	tests := []struct {
		name, content, want string
	}{
		{"garbage", "this is not json", "not valid JSON"},
		{"truncated", string(valid[:len(valid)/2]), "perhaps truncated"},
		{"empty", "", "empty"},
		{"future version", `{"version": 99, "lessons": {}}`, "newer slmscope (format version 99"},
		{"no version", `{"lessons": {}}`, "no format version"},
		{"impossible counts", `{"version":1,"lessons":{"l":{"questions":{"q":{"attempts":1,"correct":5}}}}}`, "impossible counts"},
		{"trailing data", `{"version":1,"lessons":{}} {}`, "not valid JSON"},
		{"wrong field type", `{"version":1,"lessons":{"l":{"sessions":"many"}}}`, "expected fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "progress.json")
			must(t, os.WriteFile(path, []byte(tt.content), 0o600))
			old := nowUTC
			nowUTC = func() time.Time { return t0 }
			defer func() { nowUTC = old }()
			s := OpenStore(path)
			aside := path + ".corrupt-20261124T050000Z"
			if w := s.Warning(); !strings.Contains(w, tt.want) || !strings.Contains(w, aside) {
				t.Fatalf("warning %q should give the reason %q and the new name %s", w, tt.want, aside)
			}
			kept, err := os.ReadFile(aside)
			if err != nil || string(kept) != tt.content {
				t.Fatalf("the bad file was not kept intact: %v", err)
			}
			if len(s.Snapshot().Lessons) != 0 {
				t.Error("progress did not start fresh")
			}
			must(t, s.RecordAnswer("l", single("q"), Answer{Choices: []int{0}}, true, t0))
			if OpenStore(path).Warning() != "" {
				t.Error("the fresh file written after recovery is not readable")
			}
			// A second bad file in the same second gets its own name.
			must(t, os.WriteFile(path, []byte("junk"), 0o600))
			if w := OpenStore(path).Warning(); !strings.Contains(w, aside+"-2") {
				t.Errorf("second recovery: %q", w)
			}
		})
	}
}

// TestAtomicWriteCrash simulates a crash after the new file was written but before it was
// renamed into place: the previous progress must still be there, complete.
func TestAtomicWriteCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	s := OpenStore(path)
	must(t, s.RecordAnswer("lesson8", single("q1"), Answer{Choices: []int{0}}, true, t0))
	before, err := os.ReadFile(path)
	must(t, err)

	crash := errors.New("simulated crash")
	var leftTemp string
	safefile.Rename = func(from, to string) error {
		data, err := os.ReadFile(from)
		if err != nil || !bytes.Contains(data, []byte(`"q2"`)) {
			t.Errorf("temp file does not hold the new progress: %v", err)
		}
		// Keep a copy the way a real crash would leave the temp file behind.
		leftTemp = path + ".tmp-crashed"
		_ = os.WriteFile(leftTemp, data[:len(data)/3], 0o600)
		old := time.Now().Add(-time.Hour)
		_ = os.Chtimes(leftTemp, old, old)
		return crash
	}
	err = s.RecordAnswer("lesson8", single("q2"), Answer{Choices: []int{0}}, true, t0)
	safefile.Rename = os.Rename
	if !errors.Is(err, crash) {
		t.Fatalf("save error = %v, want the crash", err)
	}
	after, err := os.ReadFile(path)
	must(t, err)
	if !bytes.Equal(before, after) {
		t.Fatal("the progress file changed although the rename never happened")
	}
	re := OpenStore(path)
	if re.Warning() != "" {
		t.Fatalf("after the crash: %s", re.Warning())
	}
	if lp := re.Snapshot().Lessons["lesson8"]; lp == nil || lp.Questions["q1"] == nil {
		t.Fatal("progress saved before the crash was lost")
	}
	if _, err := os.Stat(leftTemp); !os.IsNotExist(err) {
		t.Error("the stale temp file was not cleaned up")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	if len(matches) != 0 {
		t.Errorf("temp files left: %v", matches)
	}
}

func TestUnreadableProgressIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	must(t, os.Mkdir(path, 0o700)) // a folder where the file should be: ReadFile fails
	s := OpenStore(path)
	if !strings.Contains(s.Warning(), "Could not read") {
		t.Fatalf("warning %q", s.Warning())
	}
	if err := s.RecordAnswer("l", single("q"), Answer{Choices: []int{0}}, true, t0); err == nil || !strings.Contains(err.Error(), "not saved") {
		t.Fatalf("save = %v, want it refused", err)
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		t.Fatal("the unreadable path was touched")
	}
}

func TestResetExportImport(t *testing.T) {
	dir := t.TempDir()
	a := OpenStore(filepath.Join(dir, "a.json"))
	must(t, a.RecordAnswer("lesson8", single("q1"), Answer{Choices: []int{0}}, true, t0))
	must(t, a.RecordSession("lesson8", Score{Correct: 1, Total: 1, Answered: 1}, false, t0))
	var buf bytes.Buffer
	must(t, a.Export(&buf))

	b := OpenStore(filepath.Join(dir, "b.json"))
	must(t, b.RecordAnswer("other", single("x"), Answer{Choices: []int{1}}, false, t0))
	if err := b.Import(strings.NewReader(`{"version": 7}`)); err == nil {
		t.Fatal("a future-version import was accepted")
	}
	if err := b.Import(strings.NewReader(buf.String()[:buf.Len()/2])); err == nil {
		t.Fatal("a truncated import was accepted")
	}
	if ids := b.LessonIDs(); len(ids) != 1 || ids[0] != "other" {
		t.Fatalf("a failed import changed progress: %v", ids)
	}
	must(t, b.Import(&buf))
	if ids := OpenStore(filepath.Join(dir, "b.json")).LessonIDs(); len(ids) != 1 || ids[0] != "lesson8" {
		t.Fatalf("after import and restart: %v", ids)
	}
	must(t, b.Reset())
	if ids := OpenStore(filepath.Join(dir, "b.json")).LessonIDs(); len(ids) != 0 {
		t.Fatalf("after reset and restart: %v", ids)
	}
}

func TestProgressConcurrentAnswers(t *testing.T) {
	s := OpenStore(filepath.Join(t.TempDir(), "p.json"))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if err := s.RecordAnswer("l", single(fmt.Sprintf("q%d", i)), Answer{Choices: []int{0}}, true, t0); err != nil {
					t.Error(err)
				}
				_ = s.Snapshot()
			}
		}(i)
	}
	wg.Wait()
	lp := OpenStore(s.Path()).Snapshot().Lessons["l"]
	total := 0
	for _, q := range lp.Questions {
		total += q.Attempts
	}
	if total != 40 {
		t.Errorf("attempts after restart = %d, want 40", total)
	}
}
