package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("download", "download a GGUF model (built-in SmolLM2-135M, or a URL) into slmscope's models folder", downloadCommand)
}

// downloadCommand is `slmscope download [MODEL|URL] [--sha256 HEX] [--out PATH] [--mirror URL|DIR] [--json]`.
func downloadCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("download", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: slmscope download [MODEL|URL] [flags]\n\nMODEL is a built-in model (default %s) or the http(s) URL of a .gguf file.\n", engine.DefaultDownloadPin().Name)
		fmt.Fprintln(stderr, "HF_ENDPOINT names a Hugging Face mirror. An interrupted download resumes when run again.\n\nFlags:")
		fs.PrintDefaults()
	}
	sha := fs.String("sha256", "", "expected SHA-256 (hex); required for a URL that is not built in")
	out := fs.String("out", "", "destination file or folder (default: slmscope's models folder)")
	mirror := fs.String("mirror", "", "class mirror tried first: a folder (USB stick) or http(s) URL with the same file names")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	model, code, ok := parseWithOneArg(fs, args, stderr)
	if !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	req := engine.DownloadRequest{Model: model, SHA256: *sha, Out: *out, Mirror: *mirror}
	res, err := engine.Download(ctx, req, downloadProgress(stderr))
	if err != nil {
		fmt.Fprintln(stderr, "download:", oneLine(err.Error()))
		if errors.Is(err, engine.ErrUnknownModel) || errors.Is(err, engine.ErrNeedChecksum) {
			return ExitUsage
		}
		return ExitFail
	}
	if *asJSON {
		return writeJSON(stdout, stderr, "download", res)
	}
	verb := "Saved"
	if res.Present {
		verb = "Already there:"
	}
	fmt.Fprintf(stdout, "%s %s\n  %s, %s %s %s, from %s\n", verb, res.Path, units.BytesU(uint64(res.Bytes)),
		units.Params(int64(res.Params)), res.Arch, res.Quant, res.Source)
	if res.Verified != "" {
		fmt.Fprintf(stdout, "  sha256 %s, checked against %s\n", res.SHA256, res.Verified)
	} else if res.SHA256 != "" {
		fmt.Fprintf(stdout, "  sha256 %s (nothing to check it against)\n", res.SHA256)
	}
	if res.Resumed > 0 {
		fmt.Fprintf(stdout, "  resumed after %s from an earlier attempt\n", units.BytesU(uint64(res.Resumed)))
	}
	for _, n := range res.Notes {
		fmt.Fprintln(stdout, "  note:", n)
	}
	fmt.Fprintln(stdout, "It is listed by `slmscope models --local`.")
	return ExitOK
}

// parseWithOneArg parses flags before and after one optional positional argument. When ok
// is false the command returns code at once (ExitOK for -h, as parseFlags).
func parseWithOneArg(fs *flag.FlagSet, args []string, stderr io.Writer) (arg string, code int, ok bool) {
	if code, ok := parseFlags(fs, args); !ok {
		return "", code, false
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", ExitOK, true
	}
	arg = rest[0]
	if code, ok := parseFlags(fs, rest[1:]); !ok {
		return "", code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "slmscope %s: unexpected argument %q (see `slmscope %s -h`)\n", fs.Name(), fs.Arg(0), fs.Name())
		return "", ExitUsage, false
	}
	return arg, ExitOK, true
}

// downloadProgress writes progress to w: one updating line on a terminal, else a line every
// few seconds.
func downloadProgress(w io.Writer) func(engine.DownloadProgress) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	every := 5 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	var last time.Time
	var lastPhase string
	return func(p engine.DownloadProgress) {
		final := p.Total > 0 && p.Done >= p.Total
		if time.Since(last) < every && p.Phase == lastPhase && !final {
			return
		}
		last, lastPhase = time.Now(), p.Phase
		line := fmt.Sprintf("%-8s %s", p.Phase, units.BytesU(uint64(p.Done)))
		if p.Total > 0 {
			line += fmt.Sprintf(" of %s (%.0f%%)", units.BytesU(uint64(p.Total)), 100*float64(p.Done)/float64(p.Total))
		}
		if p.BytesPerSec > 0 {
			line += fmt.Sprintf("  %s/s", units.BytesU(uint64(p.BytesPerSec)))
		}
		if p.ETA > 0 {
			line += fmt.Sprintf("  %s left", p.ETA.Round(time.Second))
		}
		if tty {
			end := ""
			if final {
				end = "\n"
			}
			fmt.Fprintf(w, "\r%-78s%s", line, end)
			return
		}
		fmt.Fprintln(w, line)
	}
}
