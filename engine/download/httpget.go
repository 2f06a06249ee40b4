package download

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"slmscope/internal/safefile"
)

// stallTimeout is how long a body may deliver nothing before the attempt counts as dropped.
const stallTimeout = 60 * time.Second

// errUnreachable marks a source that could not be connected to at all (DNS, refused, no
// route): no retries, and if every source is unreachable the machine is offline.
var errUnreachable = errors.New("unreachable")

// errStalled ends an attempt whose body delivered nothing for stallTimeout.
var errStalled = errors.New("no data arrived for a minute")

// retryable marks a failure worth another attempt (a dropped connection, a 5xx).
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

// fetchWithRetries runs attempts with doubling back-off while they fail in a retryable way.
func (d *job) fetchWithRetries(ctx context.Context, src source) error {
	wait := d.backoff
	var last error
	for attempt := 0; attempt <= d.retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		err := d.attempt(ctx, src)
		var r retryable
		if err == nil || !errors.As(err, &r) || ctx.Err() != nil {
			return err
		}
		last = r.err
	}
	return fmt.Errorf("%w: %d attempts failed, the last with: %w; %s keeps the %s received, so running the same command again resumes",
		ErrConnection, d.retries+1, last, d.part, sizeOf(d.part))
}

// attempt makes one request and appends what it receives to the .part file.
func (d *job) attempt(ctx context.Context, src source) error {
	have := partSize(d.part)
	m := readMeta(d.part)
	if m.URL != src.url {
		m = meta{URL: src.url}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := rangeRequest(ctx, src, have, m)
	if err != nil {
		return err
	}
	resp, err := d.clientFor(src).Do(req)
	if err != nil {
		return classifyTransport(err)
	}
	defer resp.Body.Close()
	d.noteHubHeaders(resp.Header, src)

	start, total, complete, err := d.responseRange(resp, have, src)
	if complete || err != nil {
		return err
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(strings.ToLower(ct), "text/html") {
		return fmt.Errorf("%w: the server sent a web page (%s), not a model file: check the address (a login page, or a /blob/ link instead of /resolve/?)", ErrNotModel, ct)
	}
	body := bufio.NewReaderSize(resp.Body, 64<<10)
	if start == 0 {
		if err := checkHead(body, total); err != nil {
			return err
		}
	}
	if err := d.checkOffer(total); err != nil {
		return err
	}
	m.ETag, m.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if start == 0 {
		removePart(d.part)
	} else if d.resumed == 0 {
		d.resumed = start
	}
	if err := writeMeta(d.part, m); err != nil {
		return err
	}
	return d.receive(ctx, cancel, body, start, total, src)
}

// rangeRequest builds the GET for src that resumes after the have bytes already in the
// .part file, on condition (If-Range) that the file has not changed since they came.
func rangeRequest(ctx context.Context, src source, have int64, m meta) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %s: %w", src.url, err)
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
		if v := m.validator(); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	return req, nil
}

// responseRange reads from resp's status where its body starts and the file's total size
// (-1 when unknown). complete is set when the .part file already holds the whole file. A
// resume at the wrong place throws the .part file away.
func (d *job) responseRange(resp *http.Response, have int64, src source) (start, total int64, complete bool, err error) {
	switch resp.StatusCode {
	case http.StatusOK:
		return 0, resp.ContentLength, false, nil
	case http.StatusPartialContent:
		s, t, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || s != have {
			// Not the bytes we asked for: throw the partial file away and start over.
			removePart(d.part)
			return 0, 0, false, retryable{fmt.Errorf("the server resumed at the wrong place (Content-Range %q, have %d bytes); starting over", resp.Header.Get("Content-Range"), have)}
		}
		return s, t, false, nil
	case http.StatusRequestedRangeNotSatisfiable:
		if _, t, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && t == have && have > 0 {
			return 0, 0, true, nil // the .part file is already complete
		}
		removePart(d.part)
		return 0, 0, false, retryable{errors.New("the server refused to resume (416); starting over")}
	default:
		return 0, 0, false, statusError(resp, src)
	}
}

// checkHead looks at the first bytes before anything else: a web page or an LFS pointer
// served as bytes is the commonest wrong answer, and says more than a size mismatch.
func checkHead(body *bufio.Reader, total int64) error {
	head, perr := body.Peek(512)
	if perr != nil && perr != io.EOF && len(head) < 4 {
		return retryable{fmt.Errorf("the connection dropped at the start: %w", perr)}
	}
	if len(head) >= 4 && string(head[:4]) != "GGUF" || len(head) < 4 && total >= 4 {
		return fmt.Errorf("%w: %s", ErrNotModel, describeHead(head))
	}
	return nil
}

// checkOffer refuses a file whose size differs from the expected one and a download the
// disk has no room for; an unknown total (≤ 0) passes both.
func (d *job) checkOffer(total int64) error {
	if want := d.expectedSize(); want > 0 && total > 0 && total != want {
		return fmt.Errorf("%w: the server offers %d bytes but %s is %d bytes: it is a different file", ErrChecksum, total, d.file, want)
	}
	if total > 0 {
		if err := d.checkSpace(total, "for this download"); err != nil {
			return err
		}
	}
	return nil
}

// receive appends body to the .part file, checking the GGUF magic when starting from zero
// and cancelling the request when the body stalls.
func (d *job) receive(ctx context.Context, cancel context.CancelCauseFunc, body io.Reader, start, total int64, src source) error {
	f, err := os.OpenFile(d.part, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", d.part, err)
	}
	defer f.Close()
	stall := time.AfterFunc(stallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()
	d.meter.begin("download", src.label, start, total)
	buf := make([]byte, 256<<10)
	done := start
	for {
		if err := ctx.Err(); err != nil && !errors.Is(context.Cause(ctx), errStalled) {
			return err
		}
		n, rerr := body.Read(buf)
		if n > 0 {
			stall.Reset(stallTimeout)
			if err := d.writeChunk(f, buf[:n], done); err != nil {
				return err
			}
			done += int64(n)
			d.meter.update(done)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return dropped(ctx, done, rerr)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("cannot save %s: %w", d.part, err)
	}
	d.meter.end(done)
	if total > 0 && done != total {
		return retryable{fmt.Errorf("the connection ended after %d of %d bytes", done, total)}
	}
	return nil
}

// writeChunk appends chunk, which follows the done bytes already in f, to the .part file f.
// A first chunk without the GGUF magic is no model: f is closed and removed.
func (d *job) writeChunk(f *os.File, chunk []byte, done int64) error {
	if done == 0 && len(chunk) >= 4 && string(chunk[:4]) != "GGUF" {
		f.Close()
		removePart(d.part)
		return fmt.Errorf("%w: %s", ErrNotModel, describeHead(chunk))
	}
	if _, werr := f.Write(chunk); werr != nil {
		if safefile.IsDiskFull(werr) {
			return fmt.Errorf("%w: the disk filled up while writing %s (%s kept): free some space and run the same command again to resume", ErrDiskFull, d.part, sizeOf(d.part))
		}
		return fmt.Errorf("cannot write %s: %w", d.part, werr)
	}
	return nil
}

// dropped is the retryable error for a body read that failed after done bytes: a stall
// when the stall timer cancelled the request, else a dropped connection.
func dropped(ctx context.Context, done int64, rerr error) error {
	if errors.Is(context.Cause(ctx), errStalled) {
		return retryable{errStalled}
	}
	return retryable{fmt.Errorf("the connection dropped after %d bytes: %w", done, rerr)}
}

// clientFor copies the client so redirects of the hub's /resolve/ URL record the headers
// that state the file's SHA-256 and size (the CDN's final response lacks them).
func (d *job) clientFor(src source) *http.Client {
	c := *d.client
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.Response != nil {
			d.noteHubHeaders(req.Response.Header, src)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// noteHubHeaders keeps the SHA-256 and size the hub states for an LFS file.
func (d *job) noteHubHeaders(h http.Header, src source) {
	if src.mirror {
		return
	}
	etag := strings.TrimPrefix(strings.TrimSpace(h.Get("X-Linked-Etag")), "W/")
	etag = strings.ToLower(strings.Trim(etag, `"`))
	if hexRE.MatchString(etag) {
		d.hubSHA = etag
	}
	if n, err := strconv.ParseInt(h.Get("X-Linked-Size"), 10, 64); err == nil && n > 0 {
		d.hubSize = n
	}
}

// expectedSize is the pinned size, else the size the hub stated.
func (d *job) expectedSize() int64 {
	if d.want > 0 {
		return d.want
	}
	return d.hubSize
}

var contentRangeRE = regexp.MustCompile(`^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$`)

// parseContentRange reads "bytes START-END/TOTAL" (or "bytes */TOTAL"); total is -1 when "*".
func parseContentRange(s string) (start, total int64, ok bool) {
	m := contentRangeRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, false
	}
	total = -1
	if m[3] != "*" {
		total, _ = strconv.ParseInt(m[3], 10, 64)
	}
	if m[1] != "" {
		start, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return start, total, true
}

// statusError explains an HTTP failure status.
func statusError(resp *http.Response, src source) error {
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		what := "check the model name or URL"
		if src.mirror {
			what = "the mirror does not have this file"
		}
		return fmt.Errorf("%w: %s answered %s: %s", ErrNotFound, src.url, resp.Status, what)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: %s answered %s: the file needs a login or accepted licence (gated model); download it in a browser and use the file", ErrNotFound, src.url, resp.Status)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return retryable{fmt.Errorf("%s answered %s", src.url, resp.Status)}
	}
	return fmt.Errorf("%s answered %s", src.url, resp.Status)
}

// classifyTransport sorts a failed request: cannot connect at all, or dropped.
func classifyTransport(err error) error {
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial") {
		return fmt.Errorf("%w: %w", errUnreachable, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return retryable{err}
}

// describeHead says what a file that does not start with the GGUF magic looks like.
func describeHead(b []byte) string {
	s := strings.ToLower(strings.TrimSpace(string(b[:min(len(b), 512)])))
	switch {
	case strings.HasPrefix(s, "<!doctype html") || strings.HasPrefix(s, "<html") || strings.Contains(s, "<head>"):
		return "the server sent a web page, not a model file: check the address (a login page, or a /blob/ link instead of /resolve/?)"
	case strings.HasPrefix(s, "version https://git-lfs"):
		return "the server sent a Git LFS pointer, not the model: use the /resolve/ address of the file"
	}
	return fmt.Sprintf("the file starts with %q, not the GGUF magic \"GGUF\": it is not a GGUF model", b[:min(len(b), 8)])
}
