// Package statefile is the one way slmscope keeps its state files (calibration cache,
// bandwidth cache, price table, quiz progress): Load reads one and moves a bad file (garbage,
// a truncated end, a future version) aside with a note, so the caller carries on with
// defaults and never crashes; Update reads, changes and writes one atomically under a lock,
// so two processes saving at the same moment never lose each other's update.
package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"slmscope/internal/safefile"
)

// MaxBytes is the largest state file Load reads; a larger one is treated as damaged.
const MaxBytes = 64 << 20

// MovedAsideError says a state file could not be used and was renamed out of the way; the
// caller uses defaults and shows the message.
type MovedAsideError struct {
	Name    string // "calibration cache", "quiz progress", ...
	Path    string
	Aside   string // where it went
	Problem error  // why it could not be used
}

func (e *MovedAsideError) Error() string {
	return fmt.Sprintf("the %s %s could not be used (%v); it was kept as %s and defaults are used", e.Name, e.Path, e.Problem, e.Aside)
}

// Unwrap returns why the file was refused.
func (e *MovedAsideError) Unwrap() error { return e.Problem }

// UnreadableError is a state file that exists but could not be read or moved aside; it is
// left untouched and must not be overwritten.
type UnreadableError struct {
	Name, Path string
	Err        error
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("the %s %s cannot be used and was left untouched (%v): check its permissions or move it away", e.Name, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *UnreadableError) Unwrap() error { return e.Err }

// Now is the clock used to name moved-aside files; tests may fix it.
var Now = func() time.Time { return time.Now().UTC() }

// Load reads the state file at path and hands its bytes to decode. A missing file returns
// an error matching fs.ErrNotExist. A file decode refuses (or that is not a regular file, or
// is larger than MaxBytes) is moved to path.corrupt-<time> and a *MovedAsideError returned.
// A path that cannot be read (no permission, a folder, a named pipe, a device, a broken
// link) is left untouched and gives an *UnreadableError.
func Load(name, path string, decode func([]byte) error) error {
	data, err := safefile.ReadFile(path, MaxBytes)
	var tooBig *safefile.TooLargeError
	switch {
	case err == nil:
		if derr := decode(data); derr != nil {
			return moveAside(name, path, derr)
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr != nil {
			return err // plainly missing
		}
	case errors.As(err, &tooBig):
		return moveAside(name, path, err)
	}
	// A folder, pipe, device or broken link where the file should be is not slmscope's to
	// move: it is left untouched and the caller must not write over it.
	return &UnreadableError{Name: name, Path: path, Err: err}
}

func moveAside(name, path string, problem error) error {
	base := path + ".corrupt-" + Now().Format("20060102T150405Z")
	dst := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dst = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, dst); err != nil {
		return &UnreadableError{Name: name, Path: path, Err: fmt.Errorf("%v, and it could not be moved aside: %w", problem, err)}
	}
	return &MovedAsideError{Name: name, Path: path, Aside: dst, Problem: problem}
}

// JSON returns a decoder for Load that unmarshals into v, checking the top-level "version"
// field when version > 0: absent, below 1 or above version is refused (a newer slmscope
// wrote it). An empty or truncated file is refused too.
func JSON(v any, version int) func([]byte) error {
	return func(data []byte) error {
		if len(bytes.TrimSpace(data)) == 0 {
			return errors.New("the file is empty")
		}
		if version > 0 {
			if err := CheckVersion(data, version); err != nil {
				return err
			}
		}
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("it is not valid JSON, perhaps cut short: %w", err)
		}
		return nil
	}
}

// CheckVersion checks the top-level "version" field of a JSON state file.
func CheckVersion(data []byte, version int) error {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("it is not valid JSON, perhaps cut short: %w", err)
	}
	switch {
	case head.Version == nil:
		return errors.New("it has no format version")
	case *head.Version > version:
		return fmt.Errorf("it was written by a newer slmscope (format version %d; this one reads up to %d)", *head.Version, version)
	case *head.Version < 1:
		return fmt.Errorf("format version %d is not valid", *head.Version)
	}
	return nil
}

// Update changes the state file at path under a lock shared by every slmscope process: it
// loads the file (moving a bad one aside, as Load does), calls change with whether a good
// file was found, and writes what change returns atomically. A nil result writes nothing.
// The *MovedAsideError of a bad file is returned beside a successful write, as a note.
func Update(name, path string, decode func([]byte) error, change func(found bool) ([]byte, error)) error {
	unlock, err := safefile.Lock(path)
	if err != nil {
		return err
	}
	defer unlock()
	lerr := Load(name, path, decode)
	var aside *MovedAsideError
	switch {
	case lerr == nil, errors.Is(lerr, fs.ErrNotExist), errors.As(lerr, &aside):
	default:
		return lerr
	}
	data, err := change(lerr == nil)
	if err != nil {
		return err
	}
	if data != nil {
		if err := safefile.WriteAtomic(path, data); err != nil {
			return fmt.Errorf("could not save the %s: %w", name, err)
		}
	}
	if aside != nil {
		return aside
	}
	return nil
}

// Note is the message to show for a Load or Update error that still let the caller carry
// on ("" for none): a moved-aside file.
func Note(err error) string {
	var aside *MovedAsideError
	if errors.As(err, &aside) {
		return aside.Error()
	}
	return ""
}
