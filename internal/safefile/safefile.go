// Package safefile opens files that come from outside slmscope (models, lessons, state files,
// price tables) without ever blocking on one that is not a regular file. Check stats a path
// first and explains, in words, a named pipe, a device, a socket, a folder, a dangling link or
// a link loop; Open then opens it so that even a file swapped for a pipe between the two
// steps cannot block (O_NONBLOCK on Unix) and checks that what it opened is the file it
// checked. Lock gives one process at a time a state file (flock on Unix, a lock file
// elsewhere). DropCached lets a file just written be read from the disk, not from the
// pages its writer left cached. The package imports nothing from slmscope, so every package
// may use it.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is what every refusal of a non-regular path matches with errors.Is.
var ErrNotRegular = errors.New("not a regular file")

// Error is a path refused before it was read: Problem says what it is and what to do.
type Error struct {
	Path    string
	Problem string
	Err     error // the underlying cause: ErrNotRegular, fs.ErrNotExist, fs.ErrPermission, ...
}

func (e *Error) Error() string { return e.Path + " " + e.Problem }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Check reports whether path (following links) is a regular file slmscope may read, without
// opening it. It returns the file's information or an *Error in words.
func Check(path string) (fs.FileInfo, error) {
	if path == "" {
		return nil, &Error{Path: `""`, Problem: "is an empty path: choose a file", Err: fs.ErrInvalid}
	}
	if isDeviceName(path) {
		return nil, &Error{Path: path, Problem: "is a Windows device name (CON, NUL, COM1, \\\\.\\...), not a file: choose the file itself", Err: ErrNotRegular}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, statError(path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: path, Problem: "is " + Describe(fi.Mode()) + ", not a regular file: " + advice(fi.Mode()), Err: ErrNotRegular}
	}
	return fi, nil
}

// statError explains why os.Stat failed: missing, a dangling link, a link loop, no permission.
func statError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return &Error{Path: path, Problem: "is a symbolic link loop (the link leads back to itself): fix or remove the link", Err: ErrNotRegular}
	case errors.Is(err, fs.ErrNotExist):
		if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			return &Error{Path: path, Problem: fmt.Sprintf("is a link to %s, which does not exist: fix the link or choose the file itself", target), Err: err}
		}
		return &Error{Path: path, Problem: "does not exist: check the path", Err: err}
	case errors.Is(err, fs.ErrPermission):
		return &Error{Path: path, Problem: "cannot be read (permission denied): check its permissions", Err: err}
	}
	return &Error{Path: path, Problem: "cannot be read: " + unwrapPathError(err), Err: err}
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Describe names a file type in words ("a named pipe (FIFO)", "a device", ...).
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

func advice(m fs.FileMode) string {
	if m.IsDir() {
		return "choose a file inside it"
	}
	return "slmscope only reads regular files; choose the file itself"
}

// Open checks path and opens it for reading without blocking on a special file, then checks
// that the open file is still the regular file that was checked.
func Open(path string) (*os.File, fs.FileInfo, error) {
	before, err := Check(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, nil, statError(path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, &Error{Path: path, Problem: "cannot be read: " + unwrapPathError(err), Err: err}
	}
	if !fi.Mode().IsRegular() || !os.SameFile(before, fi) {
		f.Close()
		return nil, nil, &Error{Path: path, Problem: "was replaced while it was being opened (now " + Describe(fi.Mode()) + "): try again", Err: ErrNotRegular}
	}
	return f, fi, nil
}

// TooLargeError is a file larger than its kind may be.
type TooLargeError struct {
	Path        string
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, more than the %d bytes such a file may have: is it the right file?", e.Path, e.Size, e.Limit)
}

// ReadFile reads a regular file of at most limit bytes (limit <= 0: no limit).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if limit > 0 && fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Size: fi.Size(), Limit: limit}
	}
	r := io.Reader(f)
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}
