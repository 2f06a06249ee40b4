package table

import (
	"fmt"
	"sort"
	"strings"

	"slmscope/charts"
	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// The answer to "what can this machine run?": each catalog model once, at the quantization
// that suits it best here, grouped by verdict. The Compare screen opens on it, `slmscope
// project` prints it first; both take it from here.

// ReadingSpeedTPS is the generation speed people read at (the low end of the 5–10 tok/s
// band the speed chart draws): a model at least this fast "runs well".
const ReadingSpeedTPS = charts.ReadingSpeedLow

// GroupKind is one verdict of the answer, in the order they are shown.
type GroupKind int

// The answer's groups, best first.
const (
	GroupWell    GroupKind = iota // fits, and generates at least at reading speed
	GroupSlow                     // fits in RAM or on a GPU, but slower than reading speed
	GroupPartial                  // fits only with some of its layers on the GPU
	GroupNoFit                    // does not fit
	GroupUnknown                  // this machine's memory is not known
	numGroups
)

// Title is the group's heading, for people.
func (k GroupKind) Title() string {
	switch k {
	case GroupWell:
		return fmt.Sprintf("Runs well here (at least %.0f tok/s, reading speed)", ReadingSpeedTPS)
	case GroupSlow:
		return fmt.Sprintf("Runs, slowly (under %.0f tok/s)", ReadingSpeedTPS)
	case GroupPartial:
		return "Fits only with part of it on the GPU (N of M layers, or all but some layers' experts; the rest in RAM)"
	case GroupNoFit:
		return "Does not fit"
	}
	return "Cannot tell: this machine's free memory is unknown"
}

// AnswerGroup is one verdict and its models, the most capable first (the smallest first in
// "does not fit": those are the nearest to fitting).
type AnswerGroup struct {
	Kind   GroupKind
	Title  string
	Models []estimate.Projection // one per catalog model, at its best quantization here
}

// KindOf is the group a single projection belongs to.
func KindOf(p estimate.Projection) GroupKind {
	switch {
	case p.FitVerdict.Placement == estimate.PlacePartial:
		return GroupPartial
	case p.FitVerdict.Placement == estimate.PlaceUnknown:
		return GroupUnknown
	case !p.Fits:
		return GroupNoFit
	case p.DecodeTPS >= ReadingSpeedTPS:
		return GroupWell
	}
	return GroupSlow
}

// better reports whether a suits its model better than b: a better group first; then, when
// it runs well, the better quality (more bytes of weights); when it runs slowly or in part,
// the faster; when it does not fit, the smaller. A measured row wins a tie.
func better(a, b estimate.Projection) bool {
	ka, kb := KindOf(a), KindOf(b)
	if ka != kb {
		return ka < kb
	}
	if pa, pb := isPublished(a), isPublished(b); ka == GroupWell && pa != pb {
		return pa // a model's other quantizations add bytes to its published weights, not quality
	}
	var av, bv float64
	switch ka {
	case GroupWell:
		av, bv = float64(a.Memory.WeightBytes), float64(b.Memory.WeightBytes)
	case GroupSlow, GroupPartial:
		av, bv = a.DecodeTPS, b.DecodeTPS
	default:
		av, bv = -float64(a.MemoryBytes), -float64(b.MemoryBytes)
	}
	if av != bv {
		return av > bv
	}
	return a.Source == estimate.SourceMeasured && b.Source != estimate.SourceMeasured
}

// AnswerQuant is the quantization as the answer names it: the published name where llama.cpp's
// differs ("MXFP4" for its MXFP4_MOE, the name of gpt-oss's published files), which also keeps
// the answer's quant column narrow enough for a projector.
func AnswerQuant(p estimate.Projection) string {
	if q := string(p.Quant); q != "MXFP4_MOE" {
		return q
	}
	return "MXFP4"
}

// isPublished reports whether p is its model's published quantization (gpt-oss's MXFP4).
func isPublished(p estimate.Projection) bool {
	m, ok := catalog.ByID(p.ID)
	return ok && m.PublishedQuant != "" && quant.Canonical(m.PublishedQuant) == quant.Canonical(string(p.Quant))
}

// Answer picks each model's best quantization among ps and groups the models by verdict.
// Empty groups are left out.
func Answer(ps []estimate.Projection) []AnswerGroup {
	best := map[string]estimate.Projection{}
	var order []string
	for _, p := range ps {
		cur, ok := best[p.ID]
		if !ok {
			order = append(order, p.ID)
		}
		if !ok || better(p, cur) {
			best[p.ID] = p
		}
	}
	var groups [numGroups][]estimate.Projection
	for _, id := range order {
		p := best[id]
		groups[KindOf(p)] = append(groups[KindOf(p)], p)
	}
	var out []AnswerGroup
	for k, g := range groups {
		if len(g) == 0 {
			continue
		}
		kind := GroupKind(k)
		sort.SliceStable(g, func(i, j int) bool {
			if kind == GroupNoFit || kind == GroupUnknown {
				return g[i].Params < g[j].Params
			}
			return g[i].Params > g[j].Params
		})
		out = append(out, AnswerGroup{Kind: kind, Title: kind.Title(), Models: g})
	}
	return out
}

// AnswerSpeed is the generation speed for the answer: "12.4 tok/s", or "–" when none.
func AnswerSpeed(p estimate.Projection) string {
	if p.DecodeTPS <= 0 {
		return "–"
	}
	return tps(p.DecodeTPS) + " tok/s"
}

// AnswerBand is the speed's band, "9.8–15.1", or "" for a measurement or when there is none.
func AnswerBand(p estimate.Projection) string {
	if p.Source == estimate.SourceMeasured || p.DecodeTPSLow <= 0 || p.DecodeTPSHigh <= 0 {
		return ""
	}
	return tps(p.DecodeTPSLow) + "–" + tps(p.DecodeTPSHigh)
}

// AnswerMemory is what the model needs of what the machine has: "4.92 of 12.9 GB" ("980 MB of
// 12.9 GB"), "20 of 32
// layers on the GPU" for partial offload, or "needs 41.2 GB" when the available memory is
// not known.
func AnswerMemory(p estimate.Projection) string {
	v := p.FitVerdict
	if v.Placement == estimate.PlacePartial {
		return v.GPUShare() + " on the GPU"
	}
	if v.AvailableBytes <= 0 {
		return "needs " + units.Bytes(p.MemoryBytes)
	}
	need, have := units.Bytes(p.MemoryBytes), units.Bytes(v.AvailableBytes)
	if strings.HasSuffix(have, " GB") && strings.HasSuffix(need, " MB") {
		need = units.GB(p.MemoryBytes) // "0.44 of 12.9 GB": one unit, and short enough for a projector
	}
	if i := strings.LastIndexByte(need, ' '); i > 0 && strings.HasSuffix(have, need[i:]) {
		need = need[:i] // "4.92 of 12.9 GB"
	}
	return need + " of " + have
}

// AnswerLine is one model of the answer as a line of text: full name, quantization, speed
// with its band, memory, time to first token and source.
func AnswerLine(p estimate.Projection) string {
	speed := AnswerSpeed(p)
	if b := AnswerBand(p); b != "" {
		speed += " (" + b + ")"
	}
	return fmt.Sprintf("%s %s: %s, %s, first token %s, %s", p.Name, AnswerQuant(p), speed, AnswerMemory(p), TTFTText(p), Badge(p))
}

// MemoryBreakdown is "Memory 4.92 GB = weights 4.37 GB + KV cache 537 MB (4096 tokens) +
// overhead 12 MB": the resident weights, and the overhead less the repacked copy.
func MemoryBreakdown(p estimate.Projection) string {
	m := p.Memory
	return fmt.Sprintf("Memory %s = weights %s + KV cache %s (%d tokens) + overhead %s", units.Bytes(p.MemoryBytes),
		units.Bytes(m.ResidentWeightBytes()), units.Bytes(m.KVBytes), m.Context, units.Bytes(m.KeptOverheadBytes()))
}

// ParamsText says how many parameters a model holds and, for a mixture of experts, how many
// one token reads: "30.5B in all, every expert held in memory; 3.34B active per token (8 of 128
// experts per layer)". Models outside the catalog give their parameter count alone.
func ParamsText(p estimate.Projection) string {
	m, ok := catalog.ByID(p.ID)
	if !ok || !m.IsMoE() {
		return "Parameters: " + units.Params(p.Params)
	}
	return fmt.Sprintf("Parameters: %s in all, every expert held in memory; %s active per token (%d of %d experts per layer)",
		units.Params(m.ParamCount()), units.Params(m.ActiveParamCount()), m.ActiveExperts, m.Experts)
}
