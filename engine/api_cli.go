// The names below are what the command line (engine/cli) needs beyond what the desktop app
// uses: like the rest of engine/api_*.go they are aliases of, or thin forwarders to, the
// engine's parts, so engine/cli reaches the engine only through this package.

package engine

import (
	"context"
	"io"
	"io/fs"

	"slmscope/engine/catalog"
	"slmscope/engine/download"
	"slmscope/engine/estimate"
	"slmscope/engine/localmodels"
	"slmscope/engine/quant"
	"slmscope/engine/report"
	"slmscope/engine/runs"
	"slmscope/engine/twin"
	"slmscope/internal/safefile"
)

// CatalogIDs lists the built-in models' ids in catalog order.
func CatalogIDs() []string { return catalog.IDs() }

// ParseQuantList parses a comma-separated list of quantizations ("q4_k_m,q8_0").
func ParseQuantList(s string) ([]Quant, error) { return quant.ParseList(s) }

// Download errors a front end tells apart to print its usage.
var (
	ErrUnknownModel = download.ErrUnknownModel
	ErrNeedChecksum = download.ErrNeedChecksum
)

// FileModel is a model read from a .gguf file's header, for projecting it.
type FileModel = estimate.FileModel

// Where a projected model's weights go.
const (
	PlaceGPU     = estimate.PlaceGPU
	PlacePartial = estimate.PlacePartial
)

// DefaultQuants are the quantizations projected when none are asked for.
func DefaultQuants() []Quant { return estimate.DefaultQuants() }

// ReadFileModel reads what a projection needs from a .gguf file.
func ReadFileModel(path string) (FileModel, error) { return estimate.ReadFileModel(path) }

// ProjectFile projects one model read from a file on this machine.
func ProjectFile(machine MachineSpec, cal Calibration, fm FileModel, opt ProjectionOptions) (Projection, error) {
	return estimate.ProjectFile(machine, cal, fm, opt)
}

// ProjectWith projects the given models at the given quantizations on this machine.
func ProjectWith(machine MachineSpec, cal Calibration, models []CatalogModel, quants []Quant, opt ProjectionOptions) ([]Projection, []error) {
	return estimate.ProjectWith(machine, cal, models, quants, opt)
}

// Validate compares the calibration's measurements with what the projection predicts.
func Validate(machine MachineSpec, cal Calibration, models []CatalogModel) Validation {
	return estimate.Validate(machine, cal, models)
}

// LoadPrices reads the price table saved at path.
func LoadPrices(path string) (PriceTable, error) { return estimate.LoadPrices(path) }

// LocalModelStore is one folder the local-models scan looks in.
type LocalModelStore = localmodels.Store

// LocalModelStores lists the folders a scan with opts looks in.
func LocalModelStores(opts LocalModelsOptions) []LocalModelStore { return localmodels.Stores(opts) }

// WriteHardwareText writes the hardware sections as plain text.
func WriteHardwareText(w io.Writer, secs []HardwareSection) { report.WriteHardwareText(w, secs) }

// OriginBench marks a run recorded by `slmscope bench`.
const OriginBench = runs.OriginBench

// RunHistoryPath is where the run history is kept.
func RunHistoryPath() (string, error) { return runs.DefaultPath() }

// LoadRuns reads the run history at path; problems are entries it skipped.
func LoadRuns(path string) (rs []Run, problems []string, err error) { return runs.Load(path) }

// Twin cache entries and the error for a twin that does not fit.
type (
	TwinEntry    = twin.Entry
	TwinFitError = twin.FitError
)

// TwinEnvCap is the environment variable that caps the twin cache's size.
const TwinEnvCap = twin.EnvCap

// TwinSize is the size in bytes of model m's twin at quantization q.
func TwinSize(m CatalogModel, q Quant) (int64, error) { return twin.Size(m, q) }

// WriteTwin writes model m's twin at quantization q to path.
func WriteTwin(ctx context.Context, m CatalogModel, q Quant, path string, progress func(done, total int64)) error {
	return twin.Write(ctx, m, q, path, progress)
}

// DescribeFileMode names a file mode's kind ("a directory") for messages.
func DescribeFileMode(m fs.FileMode) string { return safefile.Describe(m) }

// FreeSpace is the free space in bytes on dir's file system.
func FreeSpace(dir string) (uint64, error) { return safefile.FreeSpace(dir) }
