package lessons

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/internal/predict/predicttest"
)

// TestPredictionRecord: the record is saved beside quiz progress, survives a reopen, refuses
// impossible entries, and a progress file from before predictions existed still opens.
func TestPredictionRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	old := `{"version":1,"app":"slmscope","lessons":{"lesson8":{"sessions":1,"questions":{}}}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s := OpenStore(path)
	if s.Warning() != "" || len(s.Predictions()) != 0 {
		t.Fatalf("old file: warning %q, %d predictions", s.Warning(), len(s.Predictions()))
	}
	if err := s.RecordPrediction(predicttest.Sample()); err != nil {
		t.Fatal(err)
	}
	bad := predicttest.Sample()
	bad.Guess = -4
	if err := s.RecordPrediction(bad); err == nil {
		t.Fatal("a negative guess was kept")
	}
	re := OpenStore(path)
	got := re.Predictions()
	if len(got) != 1 || got[0].Guess != 30 || re.Snapshot().Lessons["lesson8"] == nil {
		t.Fatalf("reopened: %+v", got)
	}
	// a damaged entry in the file is dropped, the rest kept
	var raw map[string]any
	data, _ := os.ReadFile(path)
	_ = json.Unmarshal(data, &raw)
	raw["predictions"] = append(raw["predictions"].([]any), map[string]any{"at": "2026-11-30T10:00:00Z", "guess_tps": -1, "measured_tps": 3})
	data, _ = json.Marshal(raw)
	_ = os.WriteFile(path, data, 0o600)
	if n := len(OpenStore(path).Predictions()); n != 1 {
		t.Fatalf("after a damaged entry: %d predictions, want 1", n)
	}
}

func TestGuessErrorQuestion(t *testing.T) {
	q := Question{ID: "g", Kind: KindLive, Live: "guess-error"}
	if _, ok, why := Resolve(q, Facts{GenTPS: 3}); ok || !strings.Contains(why, "not measured yet") {
		t.Fatalf("without a record: ok=%v %q", ok, why)
	}
	lq, ok, _ := Resolve(q, Facts{LastPrediction: predicttest.Sample()})
	if !ok || lq.Answer == nil || *lq.Answer != 25 || !strings.Contains(lq.Prompt, "guessed this machine would generate 30") ||
		!strings.Contains(lq.Explanation, "slmscope projected 38.0 tok/s") {
		t.Fatalf("question %+v", lq)
	}
	if ok26, _ := Grade(lq, Answer{Number: 26}); !ok26 {
		t.Error("26 is within 2 percentage points of 25")
	}
	if ok30, _ := Grade(lq, Answer{Number: 30}); ok30 {
		t.Error("tolerance is 2 percentage points")
	}
}
