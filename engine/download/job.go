package download

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"slmscope/engine/localmodels"
	"slmscope/internal/safefile"
)

var hexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// source is one place the file can come from.
type source struct {
	label  string // for messages: "mirror /media/usb", "the hub"
	url    string // http(s) URL of the file, or ""
	dir    string // mirror folder, or ""
	mirror bool
}

// job is one Get call with everything resolved.
type job struct {
	req      Request
	pin      *Pin
	file     string // file name
	dest     string // published path
	part     string // dest + ".part"
	primary  string // URL of the hub file or the given URL
	endpoint string
	sha      string // expected SHA-256, or "" until a source states one
	shaFrom  string // what sha came from
	want     int64  // exact expected size, or 0
	approx   int64  // size for the early free-space check
	client   *http.Client
	retries  int
	backoff  time.Duration
	free     func(string) (uint64, error)
	meter    *meter
	resumed  int64
	hubSHA   string // sha256 the hub stated (X-Linked-Etag) during this job
	hubSize  int64
}

func newJob(req Request, progress func(Progress)) (*job, error) {
	d := &job{req: req, client: req.Client, retries: req.Retries, backoff: req.Backoff, free: req.FreeSpace}
	getenv := req.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	d.endpoint = strings.TrimRight(req.Endpoint, "/")
	if d.endpoint == "" {
		d.endpoint = strings.TrimRight(strings.TrimSpace(getenv("HF_ENDPOINT")), "/")
	}
	if d.endpoint == "" {
		d.endpoint = DefaultEndpoint
	}
	if d.client == nil {
		d.client = defaultClient()
	}
	if d.retries <= 0 {
		d.retries = 5
	}
	if d.backoff <= 0 {
		d.backoff = time.Second
	}
	if d.free == nil {
		d.free = safefile.FreeSpace
	}
	d.meter = newMeter(progress, time.Now)

	if s := strings.ToLower(strings.TrimSpace(req.SHA256)); s != "" {
		if !hexRE.MatchString(s) {
			return nil, fmt.Errorf("--sha256 %q is not a SHA-256 (64 hex digits)", req.SHA256)
		}
		d.sha, d.shaFrom = s, "--sha256"
	}
	if err := d.resolveModel(strings.TrimSpace(req.Model)); err != nil {
		return nil, err
	}
	if err := d.resolveDest(getenv); err != nil {
		return nil, err
	}
	d.part = d.dest + ".part"
	return d, nil
}

// resolveModel works out the file, its URL and what is known about it.
func (d *job) resolveModel(model string) error {
	if model == "" {
		p := DefaultPin()
		model = p.Name
	}
	if p, ok := findPin(model); ok {
		d.usePin(p)
		d.primary = p.URL(d.endpoint)
		return nil
	}
	u, err := url.Parse(model)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w %q: give one of the built-in models (%s) or an http(s) URL of a .gguf file", ErrUnknownModel, model, pinNames())
	}
	if d.file, err = fileNameOf(u); err != nil {
		return err
	}
	d.primary = u.String()
	if p, ok := pinForURL(u); ok {
		d.usePin(p)
		d.file = p.File
	}
	if d.sha == "" && d.pin == nil {
		return fmt.Errorf("%w: %s is not a built-in model, so give --sha256 HEX (the file's SHA-256; the Hugging Face page of a file shows it) so a damaged or swapped file is caught", ErrNeedChecksum, model)
	}
	return nil
}

func (d *job) usePin(p Pin) {
	d.pin = &p
	d.file = p.File
	d.want, d.approx = p.Bytes, p.ApproxBytes
	if p.SHA256 != "" {
		if d.sha != "" && d.sha != strings.ToLower(p.SHA256) {
			d.shaFrom = "--sha256 (differs from the pinned " + p.SHA256 + ")"
			return
		}
		d.sha, d.shaFrom = strings.ToLower(p.SHA256), "pinned sha256 (engine/download/pins.json)"
	}
}

// resolveDest picks the published path: --out as a file, or a file in --out as a folder,
// or the models folder.
func (d *job) resolveDest(getenv func(string) string) error {
	out := d.req.Out
	if out == "" {
		env := localmodels.SystemEnv()
		env.Getenv = getenv
		dir := env.ModelsDir()
		if dir == "" {
			return errors.New("cannot work out the models folder (no home folder?): give --out PATH")
		}
		out = dir + string(filepath.Separator)
	}
	if fi, err := os.Stat(out); (err == nil && fi.IsDir()) || strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/") {
		out = filepath.Join(out, d.file)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("cannot create the folder for %s: %w (pick another place with --out)", out, err)
	}
	d.dest = out
	return nil
}

// sources lists where to try, in order: the mirror, then the hub or the URL.
func (d *job) sources() []source {
	var out []source
	if m := strings.TrimSpace(d.req.Mirror); m != "" {
		if u, err := url.Parse(m); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			out = append(out, source{label: "mirror " + m, url: strings.TrimRight(m, "/") + "/" + url.PathEscape(d.file), mirror: true})
		} else {
			out = append(out, source{label: "mirror " + m, dir: m, mirror: true})
		}
	}
	label := d.primary
	if d.pin != nil {
		label = "the hub (" + d.endpoint + ")"
	}
	return append(out, source{label: label, url: d.primary})
}

func (d *job) wantOrApprox() int64 {
	if d.want > 0 {
		return d.want
	}
	return d.approx
}

// checkSpace refuses to start when the rest of the file would not fit.
func (d *job) checkSpace(total int64, when string) error {
	if total <= 0 {
		return nil
	}
	have := int64(0)
	if fi, err := os.Stat(d.part); err == nil {
		have = fi.Size()
	}
	need := total - have
	if need <= 0 {
		return nil
	}
	free, err := d.free(filepath.Dir(d.dest))
	if err != nil {
		return nil // unknown: the write itself will report a full disk
	}
	const margin = 16 << 20
	if uint64(need)+margin > free {
		return fmt.Errorf("%w %s: %s needs %d more bytes but only %d are free in %s: free some space or pick another place with --out",
			ErrDiskFull, when, d.file, need, free, filepath.Dir(d.dest))
	}
	return nil
}

// defaultClient has timeouts for connecting and for a stalled server, but none for the
// whole body, which may take minutes.
func defaultClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{Transport: tr}
}
