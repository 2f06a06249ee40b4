// Package download fetches a GGUF model into slmscope's models folder: a built-in, pinned
// model from the Hugging Face hub (or the mirror HF_ENDPOINT names), or any URL with its
// SHA-256. A class mirror (a folder such as a USB stick, or a plain HTTP server holding the
// same file names) is tried first.
//
// Downloads resume: bytes go to <file>.part, a retry asks for the rest with Range (and
// If-Range on the server's ETag or Last-Modified) and appends only when the server answers
// 206 at exactly the right offset; a 200 starts over. The SHA-256 is checked and the file
// is read by slmscope's GGUF reader before an atomic rename publishes it, so a file that
// fails is never published. Errors match the sentinel errors below with errors.Is and say
// what to do.
package download

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// DefaultEndpoint is the Hugging Face hub; HF_ENDPOINT replaces it.
const DefaultEndpoint = "https://huggingface.co"

// Errors Get's errors match with errors.Is.
var (
	ErrUnknownModel = errors.New("unknown model")
	ErrNeedChecksum = errors.New("a SHA-256 is needed for this URL")
	ErrNotFound     = errors.New("not found")
	ErrNotModel     = errors.New("not a GGUF model")
	ErrChecksum     = errors.New("checksum mismatch")
	ErrDiskFull     = errors.New("not enough disk space")
	ErrConnection   = errors.New("the connection kept dropping")
	ErrOffline      = errors.New("offline: use a class mirror or a file you have")
	ErrExists       = errors.New("a different file is already there")
)

// Request says what to download and where to put it.
type Request struct {
	Model    string // a built-in name (see Pins; "" means the default) or an http(s) URL
	SHA256   string // expected SHA-256 in hex; required for a URL that is not pinned
	Out      string // destination file, or an existing folder; "" means the models folder
	Mirror   string // a folder or http(s) URL holding the same file names; tried first
	Endpoint string // Hugging Face endpoint; "" means $HF_ENDPOINT, else DefaultEndpoint

	Client    *http.Client                     // nil means a client with sensible timeouts
	Retries   int                              // attempts per source after a dropped connection; 0 means 5
	Backoff   time.Duration                    // first wait between attempts, doubled each time; 0 means 1s
	FreeSpace func(dir string) (uint64, error) // nil means the file system's
	Getenv    func(string) string              // nil means os.Getenv
}

// Progress is reported while a download runs (at most about ten times a second).
type Progress struct {
	Phase       string        // "download" or "verify"
	Source      string        // the URL or file being read
	Done        int64         // bytes in the .part file (or hashed, when verifying)
	Total       int64         // expected total, or -1 when unknown
	BytesPerSec float64       // recent speed
	ETA         time.Duration // time left at that speed, or -1 when unknown
}

// Result describes the published file.
type Result struct {
	Path     string   `json:"path"`
	Bytes    int64    `json:"bytes"`
	SHA256   string   `json:"sha256"`
	Verified string   `json:"verified"` // what the SHA-256 was checked against, or "" when nothing was known
	Source   string   `json:"source"`   // where the bytes came from
	Resumed  int64    `json:"resumed"`  // bytes kept from an earlier, interrupted attempt
	Present  bool     `json:"present"`  // the file was already there and checked; nothing was downloaded
	Arch     string   `json:"arch"`
	Params   uint64   `json:"params"`
	Quant    string   `json:"quant"`
	Notes    []string `json:"notes,omitempty"` // sources that failed before one worked, and similar
}

// Get downloads the model req names, verifies it and publishes it, reporting progress
// (which may be nil). Cancel ctx to stop; the .part file stays for the next attempt.
func Get(ctx context.Context, req Request, progress func(Progress)) (Result, error) {
	d, err := newJob(req, progress)
	if err != nil {
		return Result{}, err
	}
	if res, done, err := d.existing(ctx); done || err != nil {
		return res, err
	}
	if err := d.checkSpace(d.wantOrApprox(), "before starting"); err != nil {
		return Result{}, err
	}
	var failures []error
	offline := false
	for _, src := range d.sources() {
		res, err := d.trySource(ctx, src)
		if err == nil {
			res.Notes = append(notes(failures), res.Notes...)
			return res, nil
		}
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("download cancelled; %s keeps the %s downloaded so far for next time: %w", d.part, sizeOf(d.part), ctx.Err())
		}
		if errors.Is(err, ErrDiskFull) || errors.Is(err, ErrExists) {
			return Result{}, err
		}
		// Offline when the hub (or the URL) cannot be reached at all, whatever the mirror did.
		offline = !src.mirror && errors.Is(err, errUnreachable)
		failures = append(failures, fmt.Errorf("%s: %w", src.label, err))
	}
	if offline {
		return Result{}, fmt.Errorf("%w (--mirror DIR or URL, or `slmscope models --local --dir DIR`): %w", ErrOffline, joined(failures))
	}
	if len(failures) == 1 {
		return Result{}, failures[0]
	}
	return Result{}, fmt.Errorf("every source failed: %w", joined(failures))
}

// joinedErrors is errors.Join on one line: "a; b".
type joinedErrors []error

func (j joinedErrors) Error() string {
	s := make([]string, len(j))
	for i, e := range j {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

func (j joinedErrors) Unwrap() []error { return j }

func joined(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return joinedErrors(errs)
}

// notes turns failed sources into one-line notes for the result.
func notes(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, "skipped "+strings.ReplaceAll(e.Error(), "\n", "; "))
	}
	return out
}

// trySource fetches from one source, then verifies and publishes.
func (d *job) trySource(ctx context.Context, src source) (Result, error) {
	var err error
	if src.dir != "" {
		err = d.copyFromDir(ctx, src)
	} else {
		err = d.fetchWithRetries(ctx, src)
	}
	if err != nil {
		return Result{}, err
	}
	return d.publish(ctx, src)
}

// sizeOf formats the size of a file for messages.
func sizeOf(p string) string {
	fi, err := os.Stat(p)
	if err != nil {
		return "nothing"
	}
	return fmt.Sprintf("%d bytes", fi.Size())
}
