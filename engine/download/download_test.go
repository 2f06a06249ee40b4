package download

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"slmscope/engine/localmodels"
	"slmscope/internal/safefile"
)

var pinned = DefaultPin().File

// setup returns a hub holding the default pinned file and a request that downloads it
// into a temporary folder.
func setup(t *testing.T) (*hub, Request, []byte) {
	t.Helper()
	h := newHub(t)
	b := modelBytes(t, 1, false)
	h.files[pinned] = b
	req := Request{
		Out: t.TempDir(), Endpoint: h.srv.URL, Client: h.srv.Client(), Retries: 3, Backoff: time.Millisecond,
		FreeSpace: func(string) (uint64, error) { return 1 << 40, nil },
		Getenv:    func(string) string { return "" },
	}
	return h, req, b
}

// published checks that want is at res.Path and that no .part is left.
func published(t *testing.T, res Result, want []byte) {
	t.Helper()
	got, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if sha(got) != sha(want) || res.SHA256 != sha(want) || res.Bytes != int64(len(want)) {
		t.Fatalf("published file differs: %d bytes, result %+v", len(got), res)
	}
	for _, p := range []string{res.Path + ".part", res.Path + ".part.meta"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
	if res.Arch != "llama" || res.Quant != "Q8_0" || res.Params == 0 {
		t.Errorf("model facts: %+v", res)
	}
}

// nothingPublished checks that a failed download left no file under dir.
func nothingPublished(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, pinned)); err == nil {
		t.Fatal("a file that failed was published")
	}
}

func TestPinsFile(t *testing.T) {
	p := DefaultPin()
	if p.Repo == "" || p.File == "" || p.Revision == "" || !strings.HasSuffix(p.File, ".gguf") {
		t.Fatalf("default pin %+v", p)
	}
	if p.SHA256 != "" && !hexRE.MatchString(p.SHA256) {
		t.Errorf("pinned sha256 %q is not 64 lower-case hex digits", p.SHA256)
	}
	if p.Bytes == 0 && p.ApproxBytes == 0 {
		t.Error("the pin needs bytes or approx_bytes for the free-space check")
	}
	if got := p.URL("https://example.org/"); got != "https://example.org/"+p.Repo+"/resolve/"+p.Revision+"/"+p.File {
		t.Errorf("URL %s", got)
	}
}

func TestGetFromHub(t *testing.T) {
	h, req, b := setup(t)
	var reports []Progress
	res, err := Get(context.Background(), req, func(p Progress) { reports = append(reports, p) })
	if err != nil {
		t.Fatal(err)
	}
	published(t, res, b)
	if !strings.Contains(res.Verified, "X-Linked-Etag") || res.Resumed != 0 || res.Present {
		t.Errorf("result %+v", res)
	}
	last := reports[len(reports)-1]
	if last.Phase != "verify" || last.Done != int64(len(b)) || last.Total != int64(len(b)) {
		t.Errorf("last progress %+v", last)
	}
	var sawDownload bool
	for _, p := range reports {
		sawDownload = sawDownload || (p.Phase == "download" && p.Done == int64(len(b)))
	}
	if !sawDownload {
		t.Errorf("no final download report in %+v", reports)
	}
	if len(h.gets()) != 1 {
		t.Errorf("requests %v", h.gets())
	}

	// A second call finds the file and downloads nothing.
	res, err = Get(context.Background(), req, nil)
	if err != nil || !res.Present || len(h.gets()) != 1 {
		t.Fatalf("second call: %+v, %v, requests %v", res, err, h.gets())
	}
}

func TestHFEndpointIsHonoured(t *testing.T) {
	h, req, b := setup(t)
	req.Endpoint = ""
	req.Getenv = func(k string) string {
		if k == "HF_ENDPOINT" {
			return h.srv.URL + "/"
		}
		return ""
	}
	res, err := Get(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	published(t, res, b)
}

func TestResume(t *testing.T) {
	cases := []struct {
		name        string
		fault       func(h *hub)
		partial     bool // leave the first half in .part as a killed download would
		partialMeta string
		resumed     bool
		ranges      int // GETs that must carry a Range header
	}{
		{name: "connection drops twice", fault: func(h *hub) { h.dropFirst = 2 }, resumed: true, ranges: 2},
		{name: "killed download resumes", partial: true, partialMeta: `"v1"`, resumed: true, ranges: 1},
		{name: "server ignores Range", fault: func(h *hub) { h.ignoreRange = true }, partial: true, partialMeta: `"v1"`, ranges: 1},
		{name: "206 at the wrong offset starts over", fault: func(h *hub) { h.wrongStart = true }, partial: true, partialMeta: `"v1"`, ranges: 1},
		{name: "file changed on the server: If-Range gives 200", fault: func(h *hub) { h.etag = `"v2"` }, partial: true, partialMeta: `"v1"`, ranges: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, req, b := setup(t)
			if c.fault != nil {
				c.fault(h)
			}
			dest := filepath.Join(req.Out, pinned)
			if c.partial {
				writeFile(t, dest+".part", string(b[:len(b)/3]))
				m := fmt.Sprintf(`{"url":%q,"etag":%q}`, DefaultPin().URL(h.srv.URL), c.partialMeta)
				writeFile(t, dest+".part.meta", m)
			}
			res, err := Get(context.Background(), req, nil)
			if err != nil {
				t.Fatal(err)
			}
			published(t, res, b)
			if (res.Resumed > 0) != c.resumed {
				t.Errorf("resumed %d, want resumed=%v; requests %v", res.Resumed, c.resumed, h.gets())
			}
			n := 0
			for _, g := range h.gets() {
				if strings.Contains(g, "bytes=") {
					n++
					if !strings.Contains(g, `"v1"`) {
						t.Errorf("a resume without If-Range: %s", g)
					}
				}
			}
			if n != c.ranges {
				t.Errorf("%d range requests, want %d: %v", n, c.ranges, h.gets())
			}
		})
	}
}

func TestFailures(t *testing.T) {
	cases := []struct {
		name     string
		setup    func(h *hub, req *Request)
		want     error
		say      string // substring of the message
		keepPart bool
	}{
		{"404", func(h *hub, req *Request) { delete(h.files, pinned) }, ErrNotFound, "404", false},
		{"web page", func(h *hub, req *Request) { h.html = true }, ErrNotModel, "web page", false},
		{"web page labelled as bytes", func(h *hub, req *Request) { h.htmlNoType = true }, ErrNotModel, "web page", false},
		{"wrong bytes", func(h *hub, req *Request) {
			h.stated[pinned] = sha(modelBytes(t, 2, false))
		}, ErrChecksum, "was deleted", false},
		{"reader refuses the file", func(h *hub, req *Request) { h.files[pinned] = modelBytes(t, 1, true) }, ErrNotModel, "has no tensors", false},
		{"connection keeps dropping", func(h *hub, req *Request) { h.dropAlways = true }, ErrConnection, "resumes", true},
		{"disk too small", func(h *hub, req *Request) {
			req.FreeSpace = func(string) (uint64, error) { return 1 << 20, nil }
		}, ErrDiskFull, "free some space", false},
		{"offline", func(h *hub, req *Request) { req.Endpoint = "http://127.0.0.1:1" }, ErrOffline, "--mirror", false},
		{"unknown model", func(h *hub, req *Request) { req.Model = "llama-9000" }, ErrUnknownModel, "smollm2", false},
		{"URL without sha256", func(h *hub, req *Request) { req.Model = h.srv.URL + "/cdn/other.gguf" }, ErrNeedChecksum, "--sha256", false},
		{"URL with a wrong sha256", func(h *hub, req *Request) {
			h.files["other.gguf"] = h.files[pinned]
			req.Model, req.SHA256 = h.srv.URL+"/cdn/other.gguf", strings.Repeat("ab", 32)
		}, ErrChecksum, "--sha256", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, req, _ := setup(t)
			c.setup(h, &req)
			_, err := Get(context.Background(), req, nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.say) {
				t.Fatalf("error %v; want %v saying %q", err, c.want, c.say)
			}
			t.Log(err)
			nothingPublished(t, req.Out)
			ents, _ := os.ReadDir(req.Out)
			if hasPart := len(ents) > 0; hasPart != c.keepPart {
				t.Errorf("left in the folder: %v, want a .part kept: %v", ents, c.keepPart)
			}
		})
	}
}

func TestURLWithSHA(t *testing.T) {
	h, req, b := setup(t)
	h.files["x.gguf"] = b
	req.Model, req.SHA256 = h.srv.URL+"/cdn/x.gguf", strings.ToUpper(sha(b))
	res, err := Get(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	published(t, res, b)
	if res.Verified != "--sha256" || filepath.Base(res.Path) != "x.gguf" {
		t.Errorf("result %+v", res)
	}
}

func TestCancel(t *testing.T) {
	h, req, _ := setup(t)
	// The server pauses a quarter of the way through for far longer than the cancel takes on
	// any machine: a download that ignored the cancel would wait the whole pause.
	h.slow = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := Get(ctx, req, nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 30*time.Second {
		t.Fatalf("error %v after %v", err, time.Since(start))
	}
	if partSize(filepath.Join(req.Out, pinned+".part")) == 0 {
		t.Error("the .part file was not kept for next time")
	}
}

func TestIsDiskFull(t *testing.T) {
	if !safefile.IsDiskFull(fmt.Errorf("write x: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC})) || safefile.IsDiskFull(errors.New("other")) {
		t.Fatal("ENOSPC not recognised")
	}
}

// TestDownloadShowsUpInScan: the default folder is slmscope's models folder, which the
// local scan lists as source "slmscope".
func TestDownloadShowsUpInScan(t *testing.T) {
	_, req, _ := setup(t)
	models := filepath.Join(t.TempDir(), "models")
	env := map[string]string{localmodels.EnvModelsDir: models}
	req.Out, req.Getenv = "", func(k string) string { return env[k] }
	res, err := Get(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(res.Path) != models {
		t.Fatalf("published at %s, want in %s", res.Path, models)
	}
	found, err := localmodels.Scan(context.Background(), localmodels.Options{Env: localmodels.Env{Home: t.TempDir(), GOOS: "linux", Root: t.TempDir(),
		Getenv: func(k string) string { return env[k] }}})
	if err != nil || len(found) != 1 || found[0].Source != localmodels.Slmscope || found[0].Problem != "" || found[0].Path != res.Path {
		t.Fatalf("scan: %+v, %v", found, err)
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
