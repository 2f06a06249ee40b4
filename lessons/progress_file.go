package lessons

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"slmscope/internal/predict"
	"slmscope/internal/safefile"
	"slmscope/internal/statefile"
)

// The progress file's format: decoding and checking it, tidying after interrupted saves, and
// export and import between machines.

// decodeProgress parses and checks a progress file's bytes.
func decodeProgress(data []byte) (Progress, error) {
	if err := checkProgressVersion(data); err != nil {
		return Progress{}, err
	}
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		return Progress{}, fmt.Errorf("it does not have the expected fields: %w", err)
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	for id, lp := range p.Lessons {
		if err := checkLessonProgress(id, lp); err != nil {
			return Progress{}, err
		}
	}
	p.Predictions = predict.Valid(p.Predictions) // a damaged entry is dropped, never repaired
	p.App = "slmscope"
	return p, nil
}

// checkProgressVersion reads only the format version, so that a file from a newer slmscope
// is named as such rather than refused for fields this one does not know.
func checkProgressVersion(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("the file is empty")
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("it is not valid JSON, perhaps truncated: %w", err)
	}
	if head.Version == nil {
		return errors.New("it has no format version")
	}
	if *head.Version > ProgressVersion {
		return fmt.Errorf("it was written by a newer slmscope (format version %d; this one reads version %d)", *head.Version, ProgressVersion)
	}
	if *head.Version < 1 {
		return fmt.Errorf("format version %d is not valid", *head.Version)
	}
	return nil
}

// checkLessonProgress refuses lesson id's progress when it is missing or its counts or
// scores are impossible; a lesson without question data gets an empty map.
func checkLessonProgress(id string, lp *LessonProgress) error {
	if lp == nil {
		return fmt.Errorf("lesson %q has no data", id)
	}
	if lp.Questions == nil {
		lp.Questions = map[string]*QuestionProgress{}
	}
	for qid, qp := range lp.Questions {
		if qp == nil || qp.Attempts < 0 || qp.Correct < 0 || qp.Correct > qp.Attempts {
			return fmt.Errorf("lesson %q question %q has impossible counts", id, qid)
		}
	}
	for _, r := range []*ScoreRecord{lp.Best, lp.Last} {
		if r != nil && (r.Correct < 0 || r.Total < 0 || r.Correct > r.Total) {
			return fmt.Errorf("lesson %q has an impossible score", id)
		}
	}
	return nil
}

// removeStaleTemps deletes temp files an interrupted save left behind (older than a minute, so
// another running slmscope's save in progress is not disturbed). The real file is untouched.
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(globEscape(path) + ".tmp-*")
	for _, m := range matches {
		if st, err := os.Lstat(m); err == nil && st.Mode().IsRegular() && time.Since(st.ModTime()) > time.Minute {
			os.Remove(m)
		}
	}
}

func globEscape(p string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`)
	if os.PathSeparator == '\\' {
		return p // Glob has no escapes on Windows; such names are rare in a config folder
	}
	return r.Replace(p)
}

// WriteFileAtomic writes data to path so that a crash at any moment leaves either the old file
// or the new one, never a mix (see safefile.WriteAtomic).
func WriteFileAtomic(path string, data []byte) error { return safefile.WriteAtomic(path, data) }

// Export writes the progress as a file another slmscope can import.
func (s *Store) Export(w io.Writer) error {
	s.mu.Lock()
	data, err := json.MarshalIndent(s.p, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("cannot encode progress: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("could not write the exported progress: %w", err)
	}
	return nil
}

// Import replaces the progress with an exported file's, after checking it completely; a file
// that is not valid progress changes nothing.
func (s *Store) Import(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return fmt.Errorf("could not read the file to import: %w", err)
	}
	p, err := decodeProgress(data)
	if err != nil {
		return fmt.Errorf("this is not a slmscope progress file that can be imported: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.p
	if err := s.apply(func(cur *Progress) { *cur = p }); err != nil {
		s.p = old
		return err
	}
	return nil
}

// ImportFile imports the progress file at path (see Import). A named pipe, a device or any
// other special file is refused before it is opened, so choosing one cannot hang the app.
func (s *Store) ImportFile(path string) error {
	data, err := safefile.ReadFile(path, statefile.MaxBytes)
	if err != nil {
		return fmt.Errorf("could not read the file to import: %w", err)
	}
	return s.Import(bytes.NewReader(data))
}
