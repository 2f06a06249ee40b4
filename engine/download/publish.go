package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"slmscope/engine/gguf"
	"slmscope/internal/safefile"
)

// meta is kept beside the .part file so a later attempt can send If-Range.
type meta struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// validator is the If-Range value: a strong ETag, else Last-Modified.
func (m meta) validator() string {
	if m.ETag != "" && !strings.HasPrefix(m.ETag, "W/") {
		return m.ETag
	}
	return m.LastModified
}

func metaPath(part string) string { return part + ".meta" }

func readMeta(part string) meta {
	var m meta
	if b, err := os.ReadFile(metaPath(part)); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

func writeMeta(part string, m meta) error {
	b, _ := json.Marshal(m)
	if err := os.WriteFile(metaPath(part), b, 0o644); err != nil {
		if safefile.IsDiskFull(err) {
			return fmt.Errorf("%w: cannot write %s: free some space", ErrDiskFull, metaPath(part))
		}
		return fmt.Errorf("cannot write %s: %w", metaPath(part), err)
	}
	return nil
}

// partSize is the size of the .part file, or 0.
func partSize(part string) int64 {
	if fi, err := os.Stat(part); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// removePart deletes the .part file and its meta.
func removePart(part string) {
	os.Remove(part)
	os.Remove(metaPath(part))
}

// publish checks the finished .part file (size, SHA-256, GGUF reader) and renames it into
// place. A file that fails is deleted, never published.
func (d *job) publish(ctx context.Context, src source) (Result, error) {
	fi, err := os.Stat(d.part)
	if err != nil {
		return Result{}, fmt.Errorf("the download finished but %s is gone: %w", d.part, err)
	}
	if want := d.expectedSize(); want > 0 && fi.Size() != want {
		removePart(d.part)
		return Result{}, fmt.Errorf("%w: received %d bytes but %s is %d bytes; the partial file was deleted, try again", ErrChecksum, fi.Size(), d.file, want)
	}
	sum, err := d.hashFile(ctx, d.part, src.label)
	if err != nil {
		return Result{}, err
	}
	expected, from := d.expectedSHA(ctx, src)
	if expected != "" && sum != expected {
		removePart(d.part)
		return Result{}, fmt.Errorf("%w: %s has sha256 %s, expected %s (from %s); the file is damaged or not the one asked for, so it was deleted: try again, or another source",
			ErrChecksum, d.file, sum, expected, from)
	}
	gf, err := openModel(d.part)
	if err != nil {
		removePart(d.part)
		return Result{}, fmt.Errorf("%w: the downloaded file was deleted because slmscope's GGUF reader refused it: %w", ErrNotModel, err)
	}
	if err := os.Rename(d.part, d.dest); err != nil {
		return Result{}, fmt.Errorf("cannot move %s into place: %w", d.part, err)
	}
	os.Remove(metaPath(d.part))
	res := d.result(gf, fi.Size(), sum, from, src.label)
	if expected == "" {
		res.Notes = append(res.Notes, "no sha256 was known for this file (none pinned, no hub reachable, no .sha256 beside it on the mirror): only the GGUF reader checked it")
	}
	return res, nil
}

// expectedSHA is the SHA-256 the file from src must have and where it comes from, in order
// of trust: the pin, the hub's stated one (asked for when the copy came from a mirror), the
// mirror's .sha256 file. Both are empty when none is known.
func (d *job) expectedSHA(ctx context.Context, src source) (expected, from string) {
	expected, from = d.sha, d.shaFrom
	if expected == "" && src.mirror && d.pin != nil {
		d.askHub(ctx)
	}
	if expected == "" && d.hubSHA != "" {
		expected, from = d.hubSHA, "the hub's stated sha256 (X-Linked-Etag header; none is pinned)"
	}
	if expected == "" && src.dir != "" {
		if s := sidecarSHA(filepath.Join(src.dir, d.file+".sha256")); s != "" {
			expected, from = s, "the mirror's "+d.file+".sha256 file"
		}
	}
	return expected, from
}

// openModel opens the GGUF file at p and checks that it describes a model llama.cpp can load.
func openModel(p string) (*gguf.File, error) {
	gf, err := gguf.Open(p)
	if err == nil {
		err = gf.CheckModel()
	}
	return gf, err
}

// result fills a Result from the checked file.
func (d *job) result(gf *gguf.File, size int64, sum, verified, source string) Result {
	info := gf.Info()
	quant := info.FileType
	if quant == "" {
		quant = info.DominantType
	}
	return Result{Path: d.dest, Bytes: size, SHA256: sum, Verified: verified, Source: source, Resumed: d.resumed,
		Arch: info.Arch, Params: info.ParamCount, Quant: quant}
}

// existing handles a destination that is already there: the same file is reported as
// present; a different one is never overwritten.
func (d *job) existing(ctx context.Context) (Result, bool, error) {
	fi, err := os.Stat(d.dest)
	if err != nil {
		return Result{}, false, nil
	}
	if !fi.Mode().IsRegular() {
		return Result{}, true, fmt.Errorf("%w: %s is not a regular file: pick another place with --out", ErrExists, d.dest)
	}
	gf, gerr := openModel(d.dest)
	sum := ""
	if d.sha != "" {
		if sum, err = d.hashFile(ctx, d.dest, d.dest); err != nil {
			return Result{}, true, err
		}
	}
	if (d.sha != "" && sum != d.sha) || gerr != nil {
		return Result{}, true, fmt.Errorf("%w: %s exists and is not the expected model; delete it or pick another place with --out", ErrExists, d.dest)
	}
	res := d.result(gf, fi.Size(), sum, d.shaFrom, d.dest)
	res.Present = true
	if d.sha == "" {
		res.Notes = append(res.Notes, "already there; no sha256 is pinned, so only the GGUF reader re-checked it")
	}
	return res, true, nil
}

// hashFile returns the SHA-256 of a file, reporting progress as phase "verify".
func (d *job) hashFile(ctx context.Context, p, label string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("cannot read %s to check it: %w", p, err)
	}
	defer f.Close()
	total := int64(-1)
	if fi, err := f.Stat(); err == nil {
		total = fi.Size()
	}
	d.meter.begin("verify", label, 0, total)
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		done += int64(n)
		d.meter.update(done)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("cannot read %s to check it: %w", p, err)
		}
	}
	d.meter.end(done)
	safefile.DropCached(f) // flushed while downloading: load it from the disk, as a twin (twin.Write)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// askHub asks the hub (HEAD, no redirect) for the SHA-256 and size it states for the
// pinned file, for a copy that came from a mirror. Offline, it gives up quietly.
func (d *job) askHub(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, d.primary, nil)
	if err != nil {
		return
	}
	c := *d.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
	d.noteHubHeaders(resp.Header, source{})
}

// sidecarSHA reads the first word of a "<file>.sha256" file, if it is a SHA-256.
func sidecarSHA(p string) string {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 4096 {
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 && hexRE.MatchString(strings.ToLower(f[0])) {
		return strings.ToLower(f[0])
	}
	return ""
}

// copyFromDir copies (or resumes copying) the file from a mirror folder.
func (d *job) copyFromDir(ctx context.Context, src source) error {
	p, fi, err := d.mirrorFile(src)
	if err != nil {
		return err
	}
	if err := d.checkSpace(fi.Size(), "for this copy"); err != nil {
		return err
	}
	have := partSize(d.part)
	m := meta{URL: "file:" + filepath.ToSlash(p), LastModified: fi.ModTime().UTC().Format(time.RFC3339Nano)}
	if old := readMeta(d.part); old != m || have > fi.Size() {
		removePart(d.part)
		have = 0
	}
	if have == fi.Size() {
		return nil
	}
	if err := writeMeta(d.part, m); err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", p, err)
	}
	defer f.Close()
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return fmt.Errorf("cannot read %s: %w", p, err)
	}
	if have > 0 && d.resumed == 0 {
		d.resumed = have
	}
	err = d.receive(ctx, func(error) {}, f, have, fi.Size(), src)
	var r retryable
	if errors.As(err, &r) {
		return fmt.Errorf("reading %s failed: %w", p, r.err)
	}
	return err
}

// mirrorFile finds the file in the mirror folder of src and checks that it is a regular file
// of the expected size; the error says whether the folder or only the file is missing.
func (d *job) mirrorFile(src source) (string, os.FileInfo, error) {
	p := filepath.Join(src.dir, d.file)
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		if _, derr := os.Stat(src.dir); derr != nil {
			return "", nil, fmt.Errorf("%w: the mirror folder %s is not there (is the USB stick plugged in and mounted?)", ErrNotFound, src.dir)
		}
		return "", nil, fmt.Errorf("%w: the mirror folder %s has no %s", ErrNotFound, src.dir, d.file)
	}
	if err != nil {
		return "", nil, fmt.Errorf("cannot read %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%w: %s on the mirror is not a regular file", ErrNotModel, p)
	}
	if want := d.expectedSize(); want > 0 && fi.Size() != want {
		return "", nil, fmt.Errorf("%w: %s on the mirror is %d bytes but %s is %d bytes: it is a different or incomplete copy", ErrChecksum, p, fi.Size(), d.file, want)
	}
	return p, fi, nil
}
