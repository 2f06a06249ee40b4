package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"slmscope/engine"
	"slmscope/internal/units"
)

// wantsLocal reports whether `models` was asked for the models on this machine.
func wantsLocal(args []string) bool {
	for _, a := range args {
		switch a {
		case "--local", "-local", "--local=true", "-local=true":
			return true
		}
	}
	return false
}

// localModelJSON is one entry of `models --local --json`.
type localModelJSON struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Path    string `json:"path"`
	Bytes   int64  `json:"bytes"`
	Arch    string `json:"arch"`
	Params  uint64 `json:"params"`
	Quant   string `json:"quant"`
	Context uint64 `json:"context"`
	Problem string `json:"problem"`
}

// dirList is a repeatable folder flag.
type dirList []string

func (d *dirList) String() string     { return strings.Join(*d, string(os.PathListSeparator)) }
func (d *dirList) Set(s string) error { *d = append(*d, s); return nil }

// localModelsCommand is `slmscope models --local`: the GGUF models already on this machine.
func localModelsCommand(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("models --local", stderr)
	fs.Bool("local", true, "list the GGUF models on this machine (Ollama, Hugging Face cache, LM Studio, llama.cpp cache, slmscope downloads)")
	asJSON := fs.Bool("json", false, `print {"models":[{name, source, path, bytes, arch, params, quant, context, problem}]}`)
	var dirs dirList
	fs.Var(&dirs, "dir", "also scan this folder (repeatable; "+engine.EnvModelDirs+" works too)")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	opts := engine.LocalModelsOptions{Dirs: dirs}
	models, err := engine.ScanLocalModels(context.Background(), opts)
	if err != nil {
		fmt.Fprintln(stderr, "models --local:", oneLine(err.Error()))
		return ExitFail
	}
	if *asJSON {
		out := struct {
			Models []localModelJSON `json:"models"`
		}{Models: []localModelJSON{}}
		for _, m := range models {
			out.Models = append(out.Models, localModelJSON{Name: m.Name, Source: string(m.Source), Path: m.Path, Bytes: m.Bytes,
				Arch: m.Arch, Params: m.Params, Quant: m.Quant, Context: m.Context, Problem: m.Problem})
		}
		return writeJSON(stdout, stderr, "models --local", out)
	}
	printLocalTable(stdout, models, engine.LocalModelStores(opts))
	return ExitOK
}

// printLocalTable writes the readable listing: one row per model, problems as numbered
// notes below, and where slmscope looked.
func printLocalTable(w io.Writer, models []engine.LocalModel, stores []engine.LocalModelStore) {
	if len(models) == 0 {
		fmt.Fprintln(w, "No GGUF models found on this machine.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSOURCE\tSIZE\tPARAMS\tQUANT\tARCH\tCTX\tSTATUS")
		var notes []string
		for _, m := range models {
			status := "ok"
			if m.Problem != "" {
				notes = append(notes, fmt.Sprintf("[%d] %s: %s", len(notes)+1, m.Path, m.Problem))
				status = fmt.Sprintf("problem [%d]", len(notes))
			}
			params, ctx := "-", "-"
			if m.Params > 0 {
				params = units.Params(int64(m.Params))
			}
			if m.Context > 0 {
				ctx = units.Tokens(int(m.Context))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Source, units.BytesU(uint64(max(m.Bytes, 0))),
				params, dash(m.Quant), dash(m.Arch), ctx, status)
		}
		tw.Flush()
		if len(notes) > 0 {
			fmt.Fprintln(w, "\nProblems (these files are never handed to llama.cpp):")
			for _, n := range notes {
				fmt.Fprintln(w, n)
			}
		}
	}
	fmt.Fprintln(w, "\nLooked in:")
	for _, s := range stores {
		fmt.Fprintf(w, "  %-12s %s\n", s.Source, s.Dir)
	}
	fmt.Fprintf(w, "Add folders with --dir DIR or %s; get a model with `slmscope download`.\n", engine.EnvModelDirs)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
