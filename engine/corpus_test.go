package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/catalog"
	"slmscope/engine/cli"
	"slmscope/engine/estimate"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
	"slmscope/internal/safefile"
	"slmscope/lessons"
)

// corpusCase is one broken input: run returns the error slmscope gave (nil if it gave none)
// and want are words a clear message must contain.
type corpusCase struct {
	name string
	want string
	run  func() error
}

// TestBadInputCorpus runs every broken input of issue 13 (models, state files, lessons,
// command-line numbers, prompts) and counts: each must give a clear error (the expected
// words) within 5 s, never a panic, and quiz progress must survive all of it.
func TestBadInputCorpus(t *testing.T) {
	dir := t.TempDir()
	var cases []corpusCase
	add := func(name, want string, run func() error) {
		cases = append(cases, corpusCase{name, want, run})
	}
	cases = append(cases, modelCorpus(t, dir)...)
	cases = append(cases, stateCorpus(t, dir)...)
	cases = append(cases, lessonCorpus(t, dir)...)
	cases = append(cases, inputCorpus()...)

	// Progress: record entries, then throw bad imports and a corrupt file at it.
	progPath := filepath.Join(dir, "progress.json")
	st := lessons.OpenStore(progPath)
	q := lessons.Question{ID: "q1", Kind: lessons.KindSingle, Choice: []lessons.Choice{{Text: "a", Correct: true}}}
	for i := 0; i < 5; i++ {
		if err := st.RecordAnswer(fmt.Sprintf("l%d", i), q, lessons.Answer{Choices: []int{0}}, true, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range map[string]string{"garbage": "\x00garbage", "truncated": `{"version":1,"lessons":{"l":`, "future": `{"version":99}`} {
		add("progress import "+name, "not a slmscope progress file", func() error { return st.Import(strings.NewReader(data)) })
	}

	counts := map[string]int{}
	for _, c := range cases {
		verdict, msg := runCase(c)
		counts[verdict]++
		if verdict != "clear" {
			t.Errorf("%s: %s: %s", c.name, verdict, msg)
		}
	}
	lost := 5 - len(lessons.OpenStore(progPath).Snapshot().Lessons)
	if lost != 0 {
		t.Errorf("%d progress entries lost", lost)
	}
	t.Logf("bad input corpus: %d inputs, %d clear errors, %d unclear, %d crashes, %d hangs over 5 s, %d lost progress entries",
		len(cases), counts["clear"], counts["unclear"], counts["crash"], counts["hang"], lost)
}

// runCase runs one case with a 5 s limit, turning a panic into a "crash".
func runCase(c corpusCase) (verdict, msg string) {
	type result struct {
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		done <- result{err: c.run()}
	}()
	select {
	case r := <-done:
		switch {
		case r.panic != nil:
			return "crash", fmt.Sprint(r.panic)
		case r.err == nil:
			return "unclear", "no error"
		case !strings.Contains(r.err.Error(), c.want):
			return "unclear", fmt.Sprintf("%q lacks %q", r.err, c.want)
		}
		return "clear", ""
	case <-time.After(30 * time.Second): // a hang, not slowness: a busy machine may take seconds
		return "hang", "no answer in 30 s"
	}
}

// modelCorpus: paths that are not models, and damaged GGUF files.
func modelCorpus(t *testing.T, dir string) []corpusCase {
	var out []corpusCase
	paths := map[string]string{
		dir:                             "folder",
		filepath.Join(dir, "none.gguf"): "does not exist",
		"/dev/zero":                     "device",
		"/dev/urandom":                  "device",
	}
	if safefile.MakeFIFO(filepath.Join(dir, "fifo.gguf")) == nil {
		paths[filepath.Join(dir, "fifo.gguf")] = "named pipe"
	}
	loop := filepath.Join(dir, "loop.gguf")
	if os.Symlink(loop, loop) == nil {
		paths[loop] = "link loop"
	}
	dangling := filepath.Join(dir, "dangling.gguf")
	if os.Symlink(filepath.Join(dir, "gone.gguf"), dangling) == nil {
		paths[dangling] = "does not exist"
	}
	if l, err := net.Listen("unix", filepath.Join(dir, "s.gguf")); err == nil {
		t.Cleanup(func() { l.Close() })
		paths[filepath.Join(dir, "s.gguf")] = "socket"
	}
	for p, want := range paths {
		if _, err := os.Lstat(p); err != nil && !strings.Contains(p, "none") && !strings.Contains(p, "dangling") {
			continue
		}
		out = append(out,
			corpusCase{"check model " + p, want, func() error { return engine.CheckModelFile(p) }},
			corpusCase{"model ref " + p, want, func() error { _, err := engine.ParseModelRef(p, ""); return err }},
			corpusCase{"slmscope bench --model " + p, want, func() error { return runCLI("bench", "--model", p) }})
	}
	for _, c := range badCases(t) {
		p := filepath.Join(dir, "bad-"+c.Name+".gguf")
		if err := os.WriteFile(p, c.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, corpusCase{"gguf " + c.Name, c.Want, func() error { return engine.CheckModelFile(p) }})
	}
	valid, _ := os.ReadFile(tinyTwin(t))
	for name, data := range map[string][]byte{"empty": nil, "garbage": []byte("not a model at all"), "cut short": valid[:len(valid)/2]} {
		p := filepath.Join(dir, name+".gguf")
		os.WriteFile(p, data, 0o644)
		out = append(out, corpusCase{"gguf " + name, "choose a GGUF model file", func() error { return engine.CheckModelFile(p) }})
	}
	return out
}

// runCLI runs a command and turns a non-zero exit into an error carrying its stderr.
func runCLI(args ...string) error {
	var o, e bytes.Buffer
	if code := cli.Run(args, &o, &e); code != 0 {
		return fmt.Errorf("exit %d: %s", code, e.String())
	}
	return nil
}

// stateCorpus: damaged state files; each must be moved aside with a note.
func stateCorpus(t *testing.T, dir string) []corpusCase {
	var out []corpusCase
	bad := map[string]string{"garbage": "\xff\x00 garbage", "truncated": `{"version": 1, "entries": {"k": {"key": "k"`, "future": `{"version": 99, "entries": {}}`}
	for name, data := range bad {
		calp := filepath.Join(dir, "cal-"+name+".json")
		pricep := filepath.Join(dir, "prices-"+name+".json")
		progp := filepath.Join(dir, "progress-"+name+".json")
		for _, p := range []string{calp, pricep, progp} {
			os.WriteFile(p, []byte(data), 0o644)
		}
		out = append(out,
			corpusCase{"calibration cache " + name, "moved to", func() error { _, err := estimate.LoadCalibration(calp, ""); return err }},
			corpusCase{"price table " + name, "kept as", func() error { _, err := estimate.LoadPrices(pricep); return err }},
			corpusCase{"progress file " + name, "kept as", func() error { return warning(lessons.OpenStore(progp).Warning()) }})
	}
	for _, name := range []string{"garbage", "future"} {
		bwDir := filepath.Join(dir, "bw-"+name)
		os.MkdirAll(bwDir, 0o755)
		os.WriteFile(filepath.Join(bwDir, "bandwidth.json"), []byte(bad[name]), 0o644)
		out = append(out, corpusCase{"bandwidth cache " + name, "kept as", func() error {
			bw := hwprobe.CachedBandwidth(context.Background(), hwprobe.Options{CacheDir: bwDir, SkipBandwidth: true})
			return warning(bw.Note)
		}})
	}
	for name, p := range map[string]string{"price NaN": `{"prices":[{"model":"a","input_per_mtok":NaN}]}`,
		"price negative": `{"prices":[{"model":"a","input_per_mtok":-3,"output_per_mtok":1}]}`,
		"price 1e309":    `{"prices":[{"model":"a","input_per_mtok":1e309,"output_per_mtok":1}]}`} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		os.WriteFile(path, []byte(p), 0o644)
		out = append(out, corpusCase{name, "kept as", func() error { _, err := estimate.LoadPrices(path); return err }})
	}
	// A twin cut short and one with no stamp are rewritten, not handed out.
	c := &twin.Cache{Dir: filepath.Join(dir, "twins")}
	out = append(out, corpusCase{"twin cut short", "", func() error {
		p, err := c.Path(context.Background(), catalog.Tiny, twin.Q8_0, nil)
		if err != nil {
			return err
		}
		os.Truncate(p, 100)
		if _, err := c.Path(context.Background(), catalog.Tiny, twin.Q8_0, nil); err != nil {
			return err
		}
		if err := engine.CheckModelFile(p); err != nil {
			return err
		}
		return errors.New("rewritten") // the clear outcome: want "" matches
	}})
	return out
}

// warning turns a visible note into an error ("" = none given).
func warning(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}

// lessonCorpus: a broken instructor folder; each file is named with its problem.
func lessonCorpus(t *testing.T, dir string) []corpusCase {
	ld := filepath.Join(dir, "lessons")
	os.MkdirAll(ld, 0o755)
	lesson := func(id, extra string) string {
		return "---\nid: " + id + "\ntitle: T\nlevel: beginner\nread_time: 5\n---\n# T\n" + extra
	}
	files := map[string]string{
		"good.md":    lesson("good", "text"),
		"latin1.md":  lesson("latin1", "caf\xe9"),
		"builtin.md": lesson("lesson8", ""),
		"img.md":     lesson("img", "![x](../../etc/x.png)"),
		"nul.md":     lesson("nul", "a\x00b"),
	}
	for n, d := range files {
		os.WriteFile(filepath.Join(ld, n), []byte(d), 0o644)
	}
	os.Symlink("/etc/passwd", filepath.Join(ld, "escape.md"))
	f, _ := os.Create(filepath.Join(ld, "huge.md"))
	f.Truncate(100 << 20)
	f.Close()
	want := map[string]string{"latin1.md": "not UTF-8", "builtin.md": "built-in", "img.md": "outside the lessons folder",
		"escape.md": "outside the lessons folder", "huge.md": "at most"}
	if safefile.MakeFIFO(filepath.Join(ld, "pipe.md")) == nil {
		want["pipe.md"] = "named pipe"
	}
	var cat *lessons.Catalog
	load := func() *lessons.Catalog {
		if cat == nil {
			cat = lessons.LoadCatalog(ld)
		}
		return cat
	}
	var out []corpusCase
	for file, words := range want {
		out = append(out, corpusCase{"lesson " + file, words, func() error {
			for _, e := range load().Errors {
				if strings.HasPrefix(e.Error(), file+":") {
					return e
				}
			}
			return nil
		}})
	}
	out = append(out, corpusCase{"good lesson still loads", "loaded", func() error {
		if load().Lesson("good") == nil {
			return nil
		}
		return errors.New("loaded")
	}})
	return out
}

// inputCorpus: numbers and prompts from the command line and the app.
func inputCorpus() []corpusCase {
	var out []corpusCase
	for _, args := range [][]string{
		{"bench", "--threads", "-1"}, {"bench", "--threads", "100000"},
		{"bench", "--gen-tokens", "0"}, {"bench", "--gen-tokens", "1000000000"},
		{"bench", "--context", "1000000000"}, {"bench", "--context", "-1"},
		{"project", "--context", "0"}, {"project", "--context", "1000000000"}, {"project", "--prompt", "-4"},
		{"report", "--out", "/dev/null", "--context", "5"}, {"calibrate", "--threads", "100000"},
		{"twin", "--model", "tiny", "--out", "/dev/zero"},
	} {
		out = append(out, corpusCase{"slmscope " + strings.Join(args, " "), "exit 2", func() error { return runCLI(args...) }})
	}
	ok := engine.RunRequest{Prompt: "hi"}
	for name, edit := range map[string]func(*engine.RunRequest){
		"threads -1":     func(r *engine.RunRequest) { r.Threads = -1 },
		"threads 100000": func(r *engine.RunRequest) { r.Threads = 100000 },
		"max tokens 1e9": func(r *engine.RunRequest) { r.MaxTokens = 1e9 },
		"context 1e9":    func(r *engine.RunRequest) { r.Context = 1e9 },
		"empty prompt":   func(r *engine.RunRequest) { r.Prompt = "" },
		"1 MB prompt":    func(r *engine.RunRequest) { r.Prompt = strings.Repeat("x", 1<<20) },
		"NUL prompt":     func(r *engine.RunRequest) { r.Prompt = "a\x00" },
		"bad UTF-8":      func(r *engine.RunRequest) { r.Prompt = "\xc3\x28" },
	} {
		r := ok
		edit(&r)
		out = append(out, corpusCase{"run " + name, "", func() error { return r.Validate() }})
	}
	return out
}
