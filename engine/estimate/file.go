package estimate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/engine/quant"
	"slmscope/internal/units"
)

// FileModel is a real GGUF file described for projection: its shape (as a catalog.Model
// whose ID is the file's path) and its tensors with the types and sizes the file holds.
type FileModel struct {
	Model   catalog.Model
	Tensors []Tensor
	// FileType is general.file_type as llama.cpp names it ("Q4_K_M"), "" when unset.
	FileType string
	// Mix is the file's quantization for people: "Q4_K_M (mixed: Q4_K 62 %, Q6_K 9 %, …)".
	Mix  string
	Size int64
}

// ReadFileModel reads path's metadata and tensor table with slmscope's GGUF reader.
func ReadFileModel(path string) (FileModel, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return FileModel{}, err
	}
	if err := f.CheckModel(); err != nil {
		return FileModel{}, err
	}
	return FileModelOf(f, path)
}

// FileModelOf is ReadFileModel for a file already opened and checked (gguf.File.CheckModel).
func FileModelOf(f *gguf.File, path string) (FileModel, error) {
	info := f.Info()
	m := catalog.Model{ID: path, Name: info.Name, Arch: info.Arch, Layers: int(info.BlockCount),
		Hidden: int(info.EmbeddingLength), Heads: int(info.HeadCount), KVHeads: int(info.HeadCountKV),
		FFN: int(info.FFNLength), Vocab: int(info.VocabSize), Context: int(info.ContextLength),
		Params: int64(info.ParamCount), Source: "GGUF file " + path}
	if m.Name == "" {
		m.Name = filepath.Base(path)
	}
	if hd, ok := f.GetUint(gguf.ArchKey(info.Arch, "attention.key_length")); ok && hd > 0 {
		m.HeadDim = int(hd)
	} else if m.Heads > 0 {
		m.HeadDim = m.Hidden / m.Heads
	}
	_, hasOutput := f.Tensor("output.weight")
	m.TiedEmbeddings = !hasOutput
	fm := FileModel{Model: m, FileType: info.FileType}
	for _, t := range f.Tensors {
		fm.Tensors = append(fm.Tensors, Tensor{Name: t.Name, Dims: t.Dims, Layer: layerOf(t.Name), Type: t.Type, Bytes: int64(t.Bytes)})
	}
	if st, err := os.Stat(path); err == nil {
		fm.Size = st.Size()
	}
	if err := checkShape(m); err != nil {
		return FileModel{}, fmt.Errorf("%s: %w", path, err)
	}
	fm.Mix = mixLabel(fm.FileType, fm.Tensors)
	return fm, nil
}

// layerOf is N of a "blk.N." tensor name, -1 otherwise.
func layerOf(name string) int {
	rest, ok := strings.CutPrefix(name, "blk.")
	if !ok {
		return -1
	}
	i := strings.IndexByte(rest, '.')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(rest[:i])
	if err != nil {
		return -1
	}
	return n
}

// mixLabel is "Q4_K_M (mixed: Q4_K 62 %, Q6_K 9 %, …)": the file type and, when the weight
// matrices are not all one type, each type's share of the tensor bytes, largest first (types
// under 1 % are summed into "…").
func mixLabel(fileType string, ts []Tensor) string {
	byType := map[string]int64{}
	var total int64
	for _, t := range ts {
		if len(t.Dims) < 2 {
			continue
		}
		byType[t.Type.String()] += t.Bytes
		total += t.Bytes
	}
	names := make([]string, 0, len(byType))
	for k := range byType {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return byType[names[i]] > byType[names[j]] })
	if fileType == "" && len(names) > 0 {
		fileType = names[0]
	}
	if len(names) <= 1 || total == 0 {
		return fileType
	}
	var parts []string
	small := false
	for _, n := range names {
		share := float64(byType[n]) / float64(total)
		if share < 0.01 {
			small = true
			continue
		}
		parts = append(parts, n+" "+units.Sig(100*share, 2)+" %")
	}
	if small {
		parts = append(parts, "…")
	}
	return fileType + " (mixed: " + strings.Join(parts, ", ") + ")"
}

// ProjectFile projects a real GGUF file on this machine from its own tensor types and
// shapes: memory from its exact tensor bytes, decode and prompt speed from the kernel models.
// It is "measured" when a run of that exact file (same path and size) was measured.
func ProjectFile(machine MachineSpec, cal Calibration, fm FileModel, opt Options) (Projection, error) {
	opt = opt.withDefaults()
	if fm.Model.Context > 0 && opt.Context > fm.Model.Context {
		opt.Context = fm.Model.Context
	}
	known := catalog.All()
	// runs of this very file count as measured, whatever quant label they were stored with
	q := quant.Canonical(fm.FileType)
	mine := cal
	mine.Measurements = append([]Measurement(nil), cal.Measurements...)
	for i, m := range mine.Measurements {
		if (m.ModelID == fm.Model.ID || m.ModelID == filepath.Base(fm.Model.ID)) && (fm.Size == 0 || m.FileBytes == 0 || m.FileBytes == fm.Size) {
			mine.Measurements[i].ModelID, mine.Measurements[i].Quant = fm.Model.ID, q
		}
	}
	pr := projector{machine: machine, cal: mine, opt: opt,
		ov: FitOverhead(cal.Measurements, known), sm: FitSpeed(machine, cal.Measurements, known)}
	p, err := pr.projectTensors(fm.Model, q, fm.Tensors)
	if err != nil {
		return Projection{}, err
	}
	p.Quant = quant.Quant(fm.Mix)
	return p, nil
}
