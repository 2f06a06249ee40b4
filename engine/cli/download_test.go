package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/download"
)

// fakeHub serves the default pinned file as the hub does, with its sha256 in X-Linked-Etag.
func fakeHub(t *testing.T, body []byte) *httptest.Server {
	sum := sha256.Sum256(body)
	pin := download.DefaultPin()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+pin.Repo+"/resolve/"+pin.Revision+"/"+pin.File {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDownloadCommand(t *testing.T) {
	home := isolateStores(t)
	model := filepath.Join(t.TempDir(), "m.gguf")
	writeTinyModel(t, model)
	body, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeHub(t, body)
	t.Setenv("HF_ENDPOINT", srv.URL)
	models := filepath.Join(home, "dl")
	t.Setenv("SLMSCOPE_MODELS_DIR", models)

	code, out, errOut := run(t, "download", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res download.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(res.Path) != models || res.Arch != "llama" || !strings.Contains(res.Verified, "X-Linked-Etag") {
		t.Errorf("result %+v", res)
	}

	// It shows up in the local listing, and a second download finds it.
	if _, out, _ := run(t, "models", "--local"); !strings.Contains(out, download.DefaultPin().File) || !strings.Contains(out, "slmscope") {
		t.Errorf("models --local:\n%s", out)
	}
	code, out, _ = run(t, "download", download.DefaultPin().Name, "--out", models)
	if code != ExitOK || !strings.Contains(out, "Already there:") {
		t.Errorf("second download: exit %d\n%s", code, out)
	}

	for _, c := range []struct {
		args []string
		code int
		say  string
	}{
		{[]string{"download", srv.URL + "/x.gguf"}, ExitUsage, "--sha256"},
		{[]string{"download", "no-such-model"}, ExitUsage, "unknown model"},
		{[]string{"download", srv.URL + "/x.gguf", "--sha256", strings.Repeat("0", 64), "--out", t.TempDir()}, ExitFail, "404"},
		{[]string{"download", "a", "b"}, ExitUsage, "unexpected argument"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.say) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q", c.args[1:], code, errOut)
		}
	}
}
