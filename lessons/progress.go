package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"slmscope/internal/predict"
	"slmscope/internal/statefile"
)

// ProgressVersion is the progress file format this slmscope writes and reads.
const ProgressVersion = 1

// Progress is everything the learner has done, as stored in progress.json.
type Progress struct {
	Version int                        `json:"version"`
	App     string                     `json:"app"`
	Updated time.Time                  `json:"updated"`
	Lessons map[string]*LessonProgress `json:"lessons"`
	// Predictions is the learner's prediction record, oldest first (predictions.go).
	Predictions []predict.Prediction `json:"predictions,omitempty"`
}

// LessonProgress is one lesson's quiz history.
type LessonProgress struct {
	Best      *ScoreRecord                 `json:"best,omitempty"` // best full (not retry) session
	Last      *ScoreRecord                 `json:"last,omitempty"` // most recent session, full or retry
	Sessions  int                          `json:"sessions"`       // finished sessions
	Questions map[string]*QuestionProgress `json:"questions"`
}

// ScoreRecord is a finished session's score.
type ScoreRecord struct {
	Correct int       `json:"correct"`
	Total   int       `json:"total"`
	Retry   bool      `json:"retry,omitempty"`
	At      time.Time `json:"at"`
}

// Percent is the score as a percentage.
func (r ScoreRecord) Percent() float64 { return Score{Correct: r.Correct, Total: r.Total}.Percent() }

// QuestionProgress is one question's history.
type QuestionProgress struct {
	Attempts    int       `json:"attempts"`
	Correct     int       `json:"correct"` // how many attempts were correct
	LastCorrect bool      `json:"last_correct"`
	LastAnswer  string    `json:"last_answer"`
	FirstAt     time.Time `json:"first_at"`
	LastAt      time.Time `json:"last_at"`
}

// DefaultProgressPath is <user config dir>/slmscope/progress.json.
func DefaultProgressPath() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your user config folder to keep quiz progress in: %w", err)
	}
	return filepath.Join(d, "slmscope", "progress.json"), nil
}

// Store keeps progress in a JSON file, writing it atomically after every change. It is safe
// for concurrent use. A file it cannot use is moved aside, never overwritten.
type Store struct {
	path    string
	mu      sync.Mutex
	p       Progress
	warning string
	noSave  string // non-empty: why saving is disabled this session
}

// nowUTC is the clock used for file names; tests may fix it.
var nowUTC = func() time.Time { return time.Now().UTC() }

// OpenStore loads the progress file at path. It never fails: a missing file is a fresh start;
// a corrupt, truncated or future-version file is renamed to path.corrupt-<timestamp> and
// progress starts fresh; Warning says what happened so the UI can tell the learner. Every
// save re-reads the file under a lock shared by all slmscope processes and applies this
// store's change to it, so the app and the command line never lose each other's answers.
func OpenStore(path string) *Store {
	s := &Store{path: path, p: newProgress()}
	removeStaleTemps(path)
	restore := useClock()
	defer restore()
	err := statefile.Load("progress file", path, func(data []byte) error {
		p, err := decodeProgress(data)
		if err == nil {
			s.p = p
		}
		return err
	})
	var aside *statefile.MovedAsideError
	var unreadable *statefile.UnreadableError
	switch {
	case err == nil, errors.Is(err, fs.ErrNotExist):
	case errors.As(err, &aside):
		s.warning = fmt.Sprintf("Your progress file could not be used (%v). It was kept as %s and progress starts fresh.", aside.Problem, aside.Aside)
	case errors.As(err, &unreadable):
		s.noSave = "the progress file could not be read"
		s.warning = fmt.Sprintf("Could not read your progress file %s (%v). Progress is kept for this session only and the file is left untouched; check what is at that path.", path, unreadable.Err)
	default:
		s.noSave = "the progress file could not be read"
		s.warning = fmt.Sprintf("Could not read your progress file %s (%v). Progress is kept for this session only and the file is left untouched.", path, err)
	}
	return s
}

// useClock points statefile's clock for moved-aside names at nowUTC (tests fix it).
func useClock() (restore func()) {
	old := statefile.Now
	statefile.Now = nowUTC
	return func() { statefile.Now = old }
}

func newProgress() Progress {
	return Progress{Version: ProgressVersion, App: "slmscope", Lessons: map[string]*LessonProgress{}}
}

// Path is the progress file's location.
func (s *Store) Path() string { return s.path }

// Warning is what went wrong when the file was opened ("" if nothing).
func (s *Store) Warning() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warning
}

// apply makes one change to the progress and saves it; the caller holds mu. Under the
// file's lock it re-reads what is saved now (another slmscope may have saved since), applies
// change to that, and writes it back; the in-memory progress becomes the result. If saving
// is impossible the change is still made in memory and the error says why.
func (s *Store) apply(change func(p *Progress)) error {
	if s.noSave != "" {
		change(&s.p)
		return fmt.Errorf("progress is not saved this session because %s", s.noSave)
	}
	restore := useClock()
	defer restore()
	var disk Progress
	err := statefile.Update("progress file", s.path, func(data []byte) error {
		var derr error
		disk, derr = decodeProgress(data)
		return derr
	}, func(found bool) ([]byte, error) {
		if !found {
			disk = clone(s.p) // nothing usable saved: carry on from what this store holds
		}
		change(&disk)
		disk.Updated = nowUTC()
		data, err := json.MarshalIndent(disk, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("cannot encode progress: %w", err)
		}
		return append(data, '\n'), nil
	})
	var aside *statefile.MovedAsideError
	switch {
	case err == nil:
		s.p = disk
		return nil
	case errors.As(err, &aside):
		s.p = disk
		s.warning = fmt.Sprintf("Your progress file could not be used (%v). It was kept as %s; this session's progress was saved in a fresh file.", aside.Problem, aside.Aside)
		return nil
	}
	change(&s.p)
	return fmt.Errorf("could not save quiz progress: %w", err)
}

// lessonOf returns p's record of lesson id, creating it.
func lessonOf(p *Progress, id string) *LessonProgress {
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{Questions: map[string]*QuestionProgress{}}
		p.Lessons[id] = lp
	}
	return lp
}

// RecordAnswer adds one attempt at a question and saves. The in-memory progress is updated
// even if saving fails; the error says why it was not saved.
func (s *Store) RecordAnswer(lessonID string, q Question, a Answer, correct bool, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	text := AnswerText(q, a)
	return s.apply(func(p *Progress) {
		lp := lessonOf(p, lessonID)
		qp := lp.Questions[q.ID]
		if qp == nil {
			qp = &QuestionProgress{FirstAt: at}
			lp.Questions[q.ID] = qp
		}
		qp.Attempts++
		if correct {
			qp.Correct++
		}
		qp.LastCorrect, qp.LastAnswer, qp.LastAt = correct, text, at
	})
}

// RecordSession stores a finished session's score as the lesson's last score and, for a full
// (not retry) session, as its best if it beats the previous best; then saves.
func (s *Store) RecordSession(lessonID string, sc Score, retry bool, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apply(func(p *Progress) {
		lp := lessonOf(p, lessonID)
		rec := &ScoreRecord{Correct: sc.Correct, Total: sc.Total, Retry: retry, At: at}
		lp.Last = rec
		lp.Sessions++
		if !retry && sc.Total > 0 && (lp.Best == nil || rec.Percent() > lp.Best.Percent()) {
			best := *rec
			lp.Best = &best
		}
	})
}

// Snapshot returns a deep copy of the progress.
func (s *Store) Snapshot() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.p)
}

// clone deep-copies p.
func clone(p Progress) Progress {
	data, _ := json.Marshal(p)
	var out Progress
	_ = json.Unmarshal(data, &out)
	if out.Lessons == nil {
		out.Lessons = map[string]*LessonProgress{}
	}
	return out
}

// LessonIDs lists the lessons with any progress, sorted.
func (s *Store) LessonIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.p.Lessons)
}

// Reset forgets all progress and saves the empty state. The UI asks for confirmation first.
func (s *Store) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apply(func(p *Progress) { *p = newProgress() })
}

// Summary describes a lesson's progress in one line for lists.
func (lp *LessonProgress) Summary() string {
	if lp == nil {
		return "not started"
	}
	var parts []string
	if lp.Best != nil {
		parts = append(parts, fmt.Sprintf("best %d/%d", lp.Best.Correct, lp.Best.Total))
	}
	if lp.Last != nil {
		l := fmt.Sprintf("last %d/%d", lp.Last.Correct, lp.Last.Total)
		if lp.Last.Retry {
			l += " (retry)"
		}
		parts = append(parts, l)
	}
	attempts := 0
	for _, q := range lp.Questions {
		attempts += q.Attempts
	}
	parts = append(parts, fmt.Sprintf("%d answers given", attempts))
	return strings.Join(parts, " · ")
}
