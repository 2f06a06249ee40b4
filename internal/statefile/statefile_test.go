package statefile

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/internal/proctest"
)

type counters struct {
	Version int            `json:"version"`
	N       map[string]int `json:"n"`
}

// TestLoadBadFiles: garbage, a truncated end, a future version, an empty file and a folder
// are each moved aside with a note; the caller's defaults stay.
func TestLoadBadFiles(t *testing.T) {
	good, _ := json.Marshal(counters{Version: 1, N: map[string]int{"a": 1}})
	cases := []struct {
		name string
		data string
		want string
	}{
		{"garbage", "\x00\xff not json", "not valid JSON"},
		{"truncated", string(good[:len(good)-3]), "not valid JSON"},
		{"future", `{"version": 9, "n": {}}`, "newer slmscope"},
		{"no version", `{"n": {}}`, "no format version"},
		{"empty", "  \n", "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "state.json")
			os.WriteFile(p, []byte(c.data), 0o644)
			v := counters{N: map[string]int{"default": 1}}
			err := Load("test state", p, JSON(&v, 1))
			var aside *MovedAsideError
			if !errors.As(err, &aside) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a moved-aside note saying %q", err, c.want)
			}
			if b, _ := os.ReadFile(aside.Aside); string(b) != c.data {
				t.Fatal("the bad file was not kept")
			}
			if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal("the bad file is still in place")
			}
			if v.N["default"] != 1 {
				t.Fatal("defaults were changed")
			}
			if Note(err) == "" {
				t.Fatal("no note")
			}
		})
	}
	dir := filepath.Join(t.TempDir(), "state.json")
	os.Mkdir(dir, 0o755)
	var unreadable *UnreadableError
	if err := Load("test state", dir, JSON(&counters{}, 1)); !errors.As(err, &unreadable) || Note(err) != "" {
		t.Fatalf("a folder: %v", err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatal("the folder was moved")
	}
	if err := Load("test state", filepath.Join(t.TempDir(), "none"), JSON(&counters{}, 1)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}

// bump adds one to key under the state file's lock.
func bump(path, key string) error {
	var c counters
	return Update("test state", path, JSON(&c, 1), func(found bool) ([]byte, error) {
		if !found || c.N == nil {
			c = counters{Version: 1, N: map[string]int{}}
		}
		c.N[key]++
		return json.Marshal(c)
	})
}

// TestHelperProcess is the child of TestTwoProcesses: it bumps its key n times.
func TestHelperProcess(t *testing.T) {
	path, key, n := proctest.Writer(t)
	for i := 0; i < n; i++ {
		if err := bump(path, key); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoProcesses: two processes updating the same file at the same moment lose nothing.
func TestTwoProcesses(t *testing.T) {
	path := filepath.Join(proctest.TempDir(t), "state.json")
	const n = 40
	proctest.RunWriters(t, "TestHelperProcess", path, n, "a", "b")
	var c counters
	if err := Load("test state", path, JSON(&c, 1)); err != nil {
		t.Fatal(err)
	}
	if c.N["a"] != n || c.N["b"] != n {
		t.Fatalf("lost updates: %v, want %d each", c.N, n)
	}
}
