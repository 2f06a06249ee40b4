package download

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMirror(t *testing.T) {
	cases := []struct {
		name       string
		setup      func(t *testing.T, h *hub, req *Request, b []byte)
		fromMirror bool   // the bytes came from the mirror
		verified   string // substring of Result.Verified ("" means empty)
		note       string // substring of some note
	}{
		{"folder", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = t.TempDir()
			writeFile(t, filepath.Join(req.Mirror, pinned), string(b))
		}, true, "X-Linked-Etag", ""},
		{"folder, hub offline, .sha256 beside the file", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror, req.Endpoint = t.TempDir(), "http://127.0.0.1:1"
			writeFile(t, filepath.Join(req.Mirror, pinned), string(b))
			writeFile(t, filepath.Join(req.Mirror, pinned+".sha256"), sha(b)+"  "+pinned+"\n")
		}, true, ".sha256 file", ""},
		{"folder, hub offline, no checksum anywhere", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror, req.Endpoint = t.TempDir(), "http://127.0.0.1:1"
			writeFile(t, filepath.Join(req.Mirror, pinned), string(b))
		}, true, "", "only the GGUF reader checked it"},
		{"folder without the file falls back to the hub", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = t.TempDir()
		}, false, "X-Linked-Etag", "has no " + pinned},
		{"unplugged USB stick falls back to the hub", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = filepath.Join(t.TempDir(), "usb")
		}, false, "X-Linked-Etag", "is the USB stick plugged in"},
		{"damaged copy on the mirror falls back to the hub", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = t.TempDir()
			bad := append([]byte(nil), b...)
			bad[len(bad)-1] ^= 0xff
			writeFile(t, filepath.Join(req.Mirror, pinned), string(bad))
		}, false, "X-Linked-Etag", "checksum mismatch"},
		{"interrupted copy resumes", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = t.TempDir()
			p := filepath.Join(req.Mirror, pinned)
			writeFile(t, p, string(b))
			dest := filepath.Join(req.Out, pinned)
			writeFile(t, dest+".part", string(b[:1000]))
			fi, _ := os.Stat(p)
			c := &job{part: dest + ".part"}
			if err := writeMeta(c.part, meta{URL: "file:" + filepath.ToSlash(p), LastModified: fi.ModTime().UTC().Format("2006-01-02T15:04:05.999999999Z07:00")}); err != nil {
				t.Fatal(err)
			}
		}, true, "X-Linked-Etag", ""},
		{"HTTP server", func(t *testing.T, h *hub, req *Request, b []byte) {
			m := newHub(t)
			m.files[pinned] = b
			req.Mirror = m.srv.URL + "/cdn/"
		}, true, "X-Linked-Etag", ""},
		{"HTTP server without the file falls back to the hub", func(t *testing.T, h *hub, req *Request, b []byte) {
			req.Mirror = newHub(t).srv.URL + "/cdn"
		}, false, "X-Linked-Etag", "the mirror does not have this file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, req, b := setup(t)
			c.setup(t, h, &req, b)
			res, err := Get(context.Background(), req, nil)
			if err != nil {
				t.Fatal(err)
			}
			published(t, res, b)
			if got := strings.HasPrefix(res.Source, "mirror "); got != c.fromMirror {
				t.Errorf("source %q, want from mirror: %v", res.Source, c.fromMirror)
			}
			if hubGets := len(h.gets()); (hubGets == 0) != c.fromMirror {
				t.Errorf("%d downloads from the hub, want from mirror: %v", hubGets, c.fromMirror)
			}
			if (c.verified == "") != (res.Verified == "") || !strings.Contains(res.Verified, c.verified) {
				t.Errorf("verified %q, want %q", res.Verified, c.verified)
			}
			if c.note != "" && !strings.Contains(strings.Join(res.Notes, "\n"), c.note) {
				t.Errorf("notes %q lack %q", res.Notes, c.note)
			}
			if strings.Contains(c.name, "resumes") && res.Resumed != 1000 {
				t.Errorf("resumed %d, want 1000", res.Resumed)
			}
		})
	}
}

// TestMirrorOnlyOffline: a mirror that lacks the file, and no network: the offline error,
// naming both sources.
func TestMirrorOnlyOffline(t *testing.T) {
	_, req, _ := setup(t)
	req.Mirror, req.Endpoint = t.TempDir(), "http://127.0.0.1:1"
	_, err := Get(context.Background(), req, nil)
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrOffline) {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(err.Error(), "has no "+pinned) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error does not name both sources: %v", err)
	}
}
