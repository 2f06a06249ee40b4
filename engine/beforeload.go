package engine

import (
	"fmt"

	"slmscope/engine/catalog"
	"slmscope/engine/download"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// BeforeLoading is what the app shows about a model before anything loads it: its size, its
// type mix, the memory it needs against this machine by the fit rule, and its projected
// speed with the band. A real GGUF file is projected from its own tensor types and shapes
// (estimate.ProjectFile); a file that cannot be projected is judged by its size alone, and
// says so.
type BeforeLoading struct {
	Bytes int64  // file size (approximate for a model not yet downloaded)
	Mix   string // "Q8_0", or "Q4_K_M (mixed: Q4_K 62 %, Q6_K 9 %, …)"
	// Projection is set when the model could be projected; Verdict is the fit rule's answer
	// either way (from the file's size when it could not).
	Projection *estimate.Projection
	Verdict    estimate.Verdict
	// Basis says how the memory figure was obtained, for people.
	Basis string
}

// FileBeforeLoading projects the GGUF file at path on this machine at ctxLen tokens of
// context (0 = estimate.DefaultContext). size is the file's size (for the fallback).
func (s MachineState) FileBeforeLoading(path string, size int64, ctxLen int) BeforeLoading {
	b := BeforeLoading{Bytes: size}
	fm, err := estimate.ReadFileModel(path)
	if err == nil {
		b.Mix = fm.Mix
		p, perr := estimate.ProjectFile(s.Machine, s.Calibration, fm, estimate.Options{Context: ctxLen})
		if perr == nil {
			b.Projection, b.Verdict = &p, p.FitVerdict
			b.Basis = "memory and speed projected from the file's own tensors"
			return b
		}
		err = perr
	}
	b.Verdict = s.judgeBySize(size, fm.Model)
	b.Basis = fmt.Sprintf("from the file's size only: it could not be projected (%v)", err)
	return b
}

// PinBeforeLoading projects a built-in downloadable model from its catalog shape and
// quantization (its size is the pinned or approximate size).
func (s MachineState) PinBeforeLoading(p download.Pin, ctxLen int) BeforeLoading {
	size := p.Bytes
	if size <= 0 {
		size = p.ApproxBytes
	}
	b := BeforeLoading{Bytes: size, Mix: p.Quant}
	m, ok := catalog.ByID(p.Catalog)
	if ok && p.Quant != "" {
		ps, errs := estimate.ProjectWith(s.Machine, s.Calibration, []catalog.Model{m}, []quant.Quant{quant.Canonical(p.Quant)}, estimate.Options{Context: ctxLen})
		if len(ps) == 1 {
			b.Projection, b.Verdict = &ps[0], ps[0].FitVerdict
			b.Basis = "projected from " + m.Name + "'s published shape at " + p.Quant
			return b
		}
		if len(errs) > 0 {
			b.Basis = fmt.Sprintf("from the download's size only: it could not be projected (%v)", errs[0])
		}
	}
	if b.Basis == "" {
		b.Basis = "from the download's size only: it is not a catalog model"
	}
	b.Verdict = s.judgeBySize(size, m)
	return b
}

// judgeBySize is the fit rule's judgement with the file's size as the whole memory need.
func (s MachineState) judgeBySize(size int64, m catalog.Model) estimate.Verdict {
	return estimate.Judge(m, estimate.Memory{RequiredBytes: size, TotalBytes: size}, s.Machine)
}

// MemoryText is the memory need against this machine: "fits in RAM: needs 210 MB of 22.6 GB …".
func (b BeforeLoading) MemoryText() string {
	if b.Verdict.Sentence != "" {
		return b.Verdict.Sentence
	}
	return "needs about " + units.Bytes(b.Verdict.NeedBytes)
}

// SpeedText is the projected generation speed with its band, "" when there is none:
// "≈ 95.0 tok/s (70.0–120 tok/s), projected".
func (b BeforeLoading) SpeedText() string {
	p := b.Projection
	if p == nil || p.DecodeTPS <= 0 {
		return ""
	}
	band := ""
	if p.DecodeTPSLow > 0 && p.DecodeTPSHigh > 0 {
		band = " (" + units.TokPerSec(p.DecodeTPSLow) + " – " + units.TokPerSec(p.DecodeTPSHigh) + ")"
	}
	return "≈ " + units.TokPerSec(p.DecodeTPS) + band + ", " + p.Label()
}
