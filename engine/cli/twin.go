package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("twin", "write a twin: a model's exact shapes and tokenizer with random weights", twinCommand)
	register("twins", "list the cached twins, or clear them with --clear", twinsCommand)
}

// availableRAM is the CLI's RAM probe for the twin cache's fit check.

func twinCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("twin", stderr)
	id := fs.String("model", "", "catalog model ID (see `slmscope models`)")
	quantFlag := fs.String("quant", "q8_0", "weight quantization: "+strings.ToLower(engine.JoinQuants(engine.TwinQuants(), ", ")))
	out := fs.String("out", "", "file to write (default: put the twin in the twin cache)")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	m, q, code, ok := twinTarget(*id, *quantFlag, *out, stderr)
	if !ok {
		return code
	}
	size, err := engine.TwinSize(m, q)
	if err != nil {
		fmt.Fprintln(stderr, "twin:", oneLine(err.Error()))
		return ExitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	progress := progressPrinter(stderr, m.Name+" twin ("+q.String()+")")
	start := time.Now()
	var path string
	if *out == "" {
		path, ok = cachedTwin(ctx, m, q, progress, stderr)
	} else {
		path, ok = writeTwinFile(ctx, m, q, *out, size, progress, stderr)
	}
	if !ok {
		return ExitFail
	}
	printTwinWritten(stdout, m, q, path, size, time.Since(start).Seconds())
	return ExitOK
}

// twinTarget checks twin's flags and finds the model and quantization they name; when they
// do not, it says why on stderr and returns the exit code.
func twinTarget(id, quantFlag, out string, stderr io.Writer) (m engine.CatalogModel, q engine.Quant, code int, ok bool) {
	if id == "" {
		fmt.Fprintln(stderr, "twin: --model is required, e.g. `slmscope twin --model smollm2-135m --out smollm2.gguf`")
		return m, q, ExitUsage, false
	}
	if badInputs(stderr, "twin", outputPath("--out", out)) {
		return m, q, ExitUsage, false
	}
	q, err := engine.ParseTwinQuant(quantFlag)
	if err != nil {
		fmt.Fprintln(stderr, "twin:", err)
		return m, q, ExitUsage, false
	}
	m, ok = engine.CatalogModelByID(id)
	if !ok {
		fmt.Fprintf(stderr, "twin: no model %q in the catalog; `slmscope models` lists the IDs\n", id)
		return m, q, ExitFail, false
	}
	return m, q, ExitOK, true
}

// cachedTwin is the path of m's twin in the twin cache, written there first if need be;
// false (with the reason on stderr) when it cannot be had.
func cachedTwin(ctx context.Context, m engine.CatalogModel, q engine.Quant, progress func(done, total int64), stderr io.Writer) (string, bool) {
	c, err := engine.TwinCacheHere(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "twin:", oneLine(err.Error()))
		return "", false
	}
	path, err := c.Path(ctx, m, q, progress)
	if err != nil {
		fmt.Fprintln(stderr, "twin:", oneLine(err.Error()))
		return "", false
	}
	return path, true
}

// writeTwinFile writes m's twin of size bytes to path, after checking that the disk has room
// for it; false (with the reason on stderr) when it did not.
func writeTwinFile(ctx context.Context, m engine.CatalogModel, q engine.Quant, path string, size int64, progress func(done, total int64), stderr io.Writer) (string, bool) {
	dir := filepath.Dir(path)
	if free, err := engine.FreeSpace(dir); err == nil && uint64(size) > free {
		fe := &engine.TwinFitError{Model: m.Name, Quant: q, Resource: "disk", Need: size, Have: int64(min(free, 1<<62)), Dir: dir}
		fmt.Fprintln(stderr, "twin:", fe)
		return path, false
	}
	if err := engine.WriteTwin(ctx, m, q, path, progress); err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "twin: interrupted; nothing was written")
		} else {
			fmt.Fprintln(stderr, "twin:", oneLine(err.Error()))
		}
		return path, false
	}
	return path, true
}

// printTwinWritten says where m's twin is (an absolute path when one can be had), its size
// and how fast it was written or found.
func printTwinWritten(stdout io.Writer, m engine.CatalogModel, q engine.Quant, path string, size int64, secs float64) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fmt.Fprintf(stdout, "%s\n", path)
	fmt.Fprintf(stdout, "%s twin, %s: %d bytes (%s) in %.2f s, %.0f MB/s — "+units.TwinDisclaimer+"\n",
		m.Name, q.String(), size, units.Bytes(size), secs, float64(size)/1e6/max(secs, 1e-9))
}

// progressPrinter returns a progress callback that rewrites one line on a terminal and
// prints nothing otherwise (logs and pipes stay clean).
func progressPrinter(w io.Writer, what string) func(done, total int64) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	var last time.Time
	return func(done, total int64) {
		if done < total && time.Since(last) < 250*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "\rwriting %s: %3.0f%% of %s", what, 100*float64(done)/float64(max(total, 1)), units.Bytes(total))
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// twinsJSON is `twins --json`'s output.
type twinsJSON struct {
	Dir       string      `json:"dir"`
	CapBytes  int64       `json:"cap_bytes"`
	UsedBytes int64       `json:"used_bytes"`
	Twins     []entryJSON `json:"twins"`
}

type entryJSON struct {
	ID       string    `json:"id"`
	Quant    string    `json:"quant"`
	Format   int       `json:"format"`
	Current  bool      `json:"current"`
	Path     string    `json:"path"`
	Bytes    int64     `json:"bytes"`
	LastUsed time.Time `json:"last_used"`
}

func twinsCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("twins", stderr)
	clearAll := fs.Bool("clear", false, "delete every cached twin")
	export := fs.String("export", "", "copy the cached twins into this folder (a class kit on a USB stick)")
	importDir := fs.String("import", "", "check the twins in this folder with the GGUF reader and copy them into the cache")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	if n := countTrue(*clearAll, *export != "", *importDir != ""); n > 1 {
		fmt.Fprintln(stderr, "slmscope twins: --clear, --export and --import are separate steps: give one")
		return ExitUsage
	}
	c, err := engine.DefaultTwinCache()
	if err != nil {
		return fail(stderr, "twins", err)
	}
	if *export != "" || *importDir != "" {
		return twinsKit(c, *export, *importDir, *asJSON, stdout, stderr)
	}
	entries, err := c.List()
	if err != nil {
		return fail(stderr, "twins", err)
	}
	switch {
	case *clearAll:
		return twinsClear(c, entries, *asJSON, stdout, stderr)
	case *asJSON:
		return writeJSON(stdout, stderr, "twins", twinsListJSON(c, entries))
	}
	printTwins(stdout, c, entries)
	return ExitOK
}

// cachedBytes is the disk space entries take.
func cachedBytes(entries []engine.TwinEntry) int64 {
	var used int64
	for _, e := range entries {
		used += e.Bytes
	}
	return used
}

// twinsClear is `twins --clear`: it deletes every cached twin and says how much that freed.
func twinsClear(c *engine.TwinCache, entries []engine.TwinEntry, asJSON bool, stdout, stderr io.Writer) int {
	used := cachedBytes(entries)
	if err := c.Clear(); err != nil {
		return fail(stderr, "twins", err)
	}
	if asJSON {
		return writeJSON(stdout, stderr, "twins", map[string]any{"dir": c.Dir, "cleared": len(entries), "freed_bytes": used})
	}
	fmt.Fprintf(stdout, "cleared %s (%s) from %s\n", units.Count(len(entries), "twin"), units.Bytes(used), c.Dir)
	return ExitOK
}

// twinsListJSON is `twins --json`: the cache, its cap and use, and every twin in it.
func twinsListJSON(c *engine.TwinCache, entries []engine.TwinEntry) twinsJSON {
	out := twinsJSON{Dir: c.Dir, CapBytes: c.CapBytes, UsedBytes: cachedBytes(entries), Twins: []entryJSON{}}
	for _, e := range entries {
		out.Twins = append(out.Twins, entryJSON{ID: e.ID, Quant: string(e.Quant), Format: e.Format,
			Current: e.Current, Path: e.Path, Bytes: e.Bytes, LastUsed: e.LastUsed})
	}
	return out
}

// printTwins writes the cache's use against its cap and a table of its twins.
func printTwins(stdout io.Writer, c *engine.TwinCache, entries []engine.TwinEntry) {
	fmt.Fprintf(stdout, "twin cache %s: %s used of %s (set %s to change the cap)\n", c.Dir, units.Bytes(cachedBytes(entries)), units.Bytes(c.CapBytes), engine.TwinEnvCap)
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "no twins cached yet: `slmscope twin --model ID` or `slmscope bench --model twin:ID` makes one")
		return
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tQUANT\tSIZE\tLAST USED\tFILE")
	for _, e := range entries {
		id := e.ID
		if !e.Current {
			id += " (old format, removed on next write)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", id, e.Quant.String(), units.Bytes(e.Bytes), e.LastUsed.Format("2006-01-02 15:04"), filepath.Base(e.Path))
	}
	tw.Flush()
}

// twinsKit is `twins --export DIR` and `twins --import DIR`: the offline class kit.
func twinsKit(c *engine.TwinCache, exportDir, importDir string, asJSON bool, stdout, stderr io.Writer) int {
	var done []engine.TwinEntry
	var problems []string
	var err error
	verb := "exported"
	if exportDir != "" {
		done, err = c.Export(exportDir)
	} else {
		verb = "imported"
		done, problems, err = c.Import(importDir)
	}
	if err != nil {
		return fail(stderr, "twins", err)
	}
	if asJSON {
		out := map[string]any{verb: len(done), "problems": problems}
		return writeJSON(stdout, stderr, "twins", out)
	}
	for _, e := range done {
		fmt.Fprintf(stdout, "%s %s %s (%s)\n", verb, e.ID, e.Quant, units.Bytes(e.Bytes))
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, "left out:", p)
	}
	fmt.Fprintf(stdout, "%s %s\n", units.Count(len(done), "twin"), verb)
	if len(problems) > 0 {
		return ExitFail
	}
	return ExitOK
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
