package download

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"slmscope/engine/internal/testenv"
)

// modelBytes is a valid GGUF model of about 0.5 MB (bigger than one read buffer, so a
// connection can drop halfway). seed changes the weights, so two seeds differ in hash.
func modelBytes(t testing.TB, seed byte, vocabOnly bool) []byte {
	t.Helper()
	return testenv.TinyLlama{Context: 8192, Width: 64, Vocab: 8192, Fill: seed, NoTensors: vocabOnly}.Bytes(t)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// hub is a fake Hugging Face hub and CDN: /<repo>/resolve/<rev>/<file> redirects to
// /cdn/<file> with X-Linked-Etag and X-Linked-Size, and /cdn/ serves bytes with Range
// support, unless a fault is set.
type hub struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	files  map[string][]byte // by file name
	stated map[string]string // sha256 the hub states, by file name (defaults to the real one)
	etag   string            // ETag of the CDN responses

	dropFirst   int           // drop this many CDN responses halfway
	dropAlways  bool          // drop every CDN response halfway
	html        bool          // answer with a web page
	htmlNoType  bool          // a web page labelled application/octet-stream
	ignoreRange bool          // always send the whole file with 200
	wrongStart  bool          // answer a Range request with 206 from byte 0
	slow        time.Duration // pause after the first chunk
	requests    []string      // "METHOD path range if-range"
}

func newHub(t testing.TB) *hub {
	h := &hub{t: t, files: map[string][]byte{}, stated: map[string]string{}, etag: `"v1"`}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hub) gets() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.requests {
		if strings.HasPrefix(r, "GET /cdn/") {
			out = append(out, r)
		}
	}
	return out
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.requests = append(h.requests, fmt.Sprintf("%s %s %s %s", r.Method, r.URL.Path, r.Header.Get("Range"), r.Header.Get("If-Range")))
	h.mu.Unlock()
	if i := strings.Index(r.URL.Path, "/resolve/"); i >= 0 {
		name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		b, ok := h.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		st := h.stated[name]
		if st == "" {
			st = sha(b)
		}
		w.Header().Set("X-Linked-Etag", `"`+st+`"`)
		w.Header().Set("X-Linked-Size", fmt.Sprint(len(b)))
		http.Redirect(w, r, "/cdn/"+name, http.StatusFound)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/cdn/")
	name = strings.TrimPrefix(name, "/")
	b, ok := h.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h.fault(w, r, b)
}

func (h *hub) fault(w http.ResponseWriter, r *http.Request, b []byte) {
	h.mu.Lock()
	drop := h.dropAlways || h.dropFirst > 0
	if h.dropFirst > 0 {
		h.dropFirst--
	}
	h.mu.Unlock()
	switch {
	case h.html || h.htmlNoType:
		ct := "text/html; charset=utf-8"
		if h.htmlNoType {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Sign in</title></head><body>log in</body></html>")
		return
	case h.wrongStart && r.Header.Get("Range") != "":
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(b)-1, len(b)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(b)
		return
	case h.ignoreRange:
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b)
		return
	}
	w.Header().Set("ETag", h.etag)
	w.Header().Set("Content-Type", "application/octet-stream")
	if !drop && h.slow == 0 {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
		return
	}
	// Serve through a writer that gives up halfway (or pauses).
	limit := len(b) / 4
	if h.dropAlways {
		limit = 1000
	}
	http.ServeContent(&faultWriter{ResponseWriter: w, limit: limit, drop: drop, slow: h.slow, gone: r.Context().Done()}, r, "", time.Time{}, bytes.NewReader(b))
}

// faultWriter aborts the connection after limit bytes of a response (drop) or pauses
// there (slow).
type faultWriter struct {
	http.ResponseWriter
	limit, n int
	drop     bool
	slow     time.Duration
	gone     <-chan struct{} // the client went away: a pause ends there
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if f.n+len(p) > f.limit {
		k := f.limit - f.n
		if k > 0 {
			f.ResponseWriter.Write(p[:k])
			f.n += k
		}
		f.ResponseWriter.(http.Flusher).Flush()
		if f.drop {
			panic(http.ErrAbortHandler)
		}
		select {
		case <-time.After(f.slow):
		case <-f.gone:
		}
		f.slow = 0
		f.limit = 1 << 62
		n, err := f.ResponseWriter.Write(p[max(k, 0):])
		return n + max(k, 0), err
	}
	f.n += len(p)
	return f.ResponseWriter.Write(p)
}
