package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"slmscope/engine"
	"slmscope/internal/units"
)

func init() {
	register("models", "list the model catalog: real models slmscope can measure as twins", modelsCommand)
}

// modelJSON is one catalog entry as `models --json` prints it: the config numbers plus the
// parameter counts computed from the shapes: every weight (param_count) and the weights one
// token passes through (active_param_count: for MoE the shared weights and the active
// experts; for every model without the untied embedding table, of which a token reads a row).
type modelJSON struct {
	engine.CatalogModel
	ParamCount       int64 `json:"param_count"`
	ActiveParamCount int64 `json:"active_param_count"`
}

func modelsCommand(args []string, stdout, stderr io.Writer) int {
	if wantsLocal(args) {
		return localModelsCommand(args, stdout, stderr) // local.go
	}
	fs := newFlags("models", stderr)
	fs.Bool("local", false, "list the GGUF models already on this machine instead (Ollama, Hugging Face, LM Studio, llama.cpp, your folders)")
	asJSON := fs.Bool("json", false, "print a JSON array with every field")
	if code, ok := parseArgs(fs, args, stderr); !ok {
		return code
	}
	models := engine.CatalogModels()
	if *asJSON {
		out := make([]modelJSON, len(models))
		for i, m := range models {
			out[i] = modelJSON{CatalogModel: m, ParamCount: m.ParamCount(), ActiveParamCount: m.ActiveParamCount()}
		}
		return writeJSON(stdout, stderr, "models", out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPARAMS\tACTIVE\tLAYERS\tHIDDEN\tHEADS/KV\tCTX\tTOKENIZER\tARCH\tNOTE")
	var notes []string
	for _, m := range models {
		mark := ""
		if note := joinNotes(m.ArchNote, m.Note); note != "" {
			notes = append(notes, fmt.Sprintf("[%d] %s: %s", len(notes)+1, m.ID, note))
			mark = fmt.Sprintf("[%d]", len(notes))
		}
		active := "all"
		if m.IsMoE() {
			active = fmt.Sprintf("%s (%d/%d experts)", units.Params(m.Active), m.ActiveExperts, m.Experts)
		}
		tok := m.Tokenizer
		if tok == "" {
			tok = "generated"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d/%d\t%s\t%s (%d)\t%s\t%s\n", m.ID, m.Name, units.Params(m.Params), active,
			m.Layers, m.Hidden, m.Heads, m.KVHeads, units.Tokens(m.Context), tok, m.Vocab, m.Arch, mark)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	for _, n := range notes {
		fmt.Fprintln(stdout, n)
	}
	fmt.Fprintln(stdout, "\nNumbers from each model's published config.json (`slmscope models --json` names it).")
	fmt.Fprintln(stdout, "Run one with `slmscope bench --model twin:ID`; twins have the real shapes and speed, with random words.")
	return ExitOK
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
