// This file and the other api_*.go files are the engine's public names for the front ends
// (the desktop app in ui, and engine/cli where it helps): type aliases and thin forwarding
// functions over the engine's parts (catalog, quant, ident, twin, localmodels, download,
// estimate, report, class, results, runs) and the internal/ packages a front end needs, so
// that a front end imports engine and nothing below it. An alias is the same type under a
// second name, and each function only calls the one it names: behaviour is the part's own.

package engine

import (
	"context"

	"slmscope/engine/assets"
	"slmscope/engine/catalog"
	"slmscope/engine/download"
	"slmscope/engine/ident"
	"slmscope/engine/localmodels"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
)

// The model catalog: real language models with the numbers from their published configs.

// CatalogModel is one catalog entry (catalog.Model).
type CatalogModel = catalog.Model

// CatalogModels returns every catalog entry, smallest family members first (a copy).
func CatalogModels() []CatalogModel { return catalog.All() }

// CatalogModelByID finds a catalog entry by its ID ("qwen2.5-7b"), ignoring case.
func CatalogModelByID(id string) (CatalogModel, bool) { return catalog.ByID(id) }

// Quantizations, named once in their canonical spelling.

// Quant is a quantization's canonical name (quant.Quant).
type Quant = quant.Quant

// The quantizations the front ends name directly.
const (
	BF16   = quant.BF16
	Q4_K_M = quant.Q4_K_M
	Q8_0   = quant.Q8_0
	// MXFP4_MOE is gpt-oss as published: MXFP4 experts, the rest Q8_0.
	MXFP4_MOE = quant.MXFP4_MOE
)

// CanonicalQuant upper-cases and trims s without checking the name (for stored values).
func CanonicalQuant(s string) Quant { return quant.Canonical(s) }

// JoinQuants writes qs separated by sep.
func JoinQuants(qs []Quant, sep string) string { return quant.Join(qs, sep) }

// Identity of a model for maps, preferences and run records.

// ModelKey is one model's identity: twin:ID@QUANT or file:PATH (ident.Key).
type ModelKey = ident.Key

// FileKey is the key of a model file, by its absolute, cleaned path.
func FileKey(path string) ModelKey { return ident.File(path) }

// ParseModelKey checks a stored key (a preference) and returns it, or says what is wrong.
func ParseModelKey(s string) (ModelKey, error) { return ident.Parse(s) }

// Twins: a catalog model's architecture with random weights, written on demand.

// TwinCache is the folder twins are written into (twin.Cache).
type TwinCache = twin.Cache

// TwinRunContext is the context length the twin cache's RAM check judges a twin at.
const TwinRunContext = twin.RunContext

// DefaultTwinCache is the user's twin cache, without a RAM check (see NewTwinCache).
func DefaultTwinCache() (*TwinCache, error) { return twin.DefaultCache() }

// TwinQuants lists the quantizations a twin can be written in, largest first.
func TwinQuants() []Quant { return twin.Quants() }

// ParseTwinQuant accepts "f16", "q8_0", "Q4_K_M", ... and lists the choices otherwise.
func ParseTwinQuant(s string) (Quant, error) { return twin.ParseQuant(s) }

// GGUF models already on this machine.

// LocalModel is one GGUF file found on this machine (localmodels.Model).
type LocalModel = localmodels.Model

// LocalModelsOptions says where ScanLocalModels looks (localmodels.Options).
type LocalModelsOptions = localmodels.Options

// EnvModelDirs names the environment variable that lists extra folders to scan.
const EnvModelDirs = localmodels.EnvModelDirs

// ScanLocalModels finds every model in the stores opts names and checks each file.
func ScanLocalModels(ctx context.Context, opts LocalModelsOptions) ([]LocalModel, error) {
	return localmodels.Scan(ctx, opts)
}

// ModelsDir is the running user's slmscope downloads folder.
func ModelsDir() string { return localmodels.ModelsDir() }

// Downloads into the models folder.

type (
	// DownloadRequest names the model to fetch and where from (download.Request).
	DownloadRequest = download.Request
	// DownloadProgress is one progress report of a download (download.Progress).
	DownloadProgress = download.Progress
	// DownloadResult is the published file (download.Result).
	DownloadResult = download.Result
	// DownloadPin is a model `slmscope download NAME` knows, with its checksum (download.Pin).
	DownloadPin = download.Pin
)

// ErrOffline is download.ErrOffline: the machine is offline (use a class mirror or a file).
var ErrOffline = download.ErrOffline

// DefaultDownloadPin is the model `slmscope download` gets with no argument.
func DefaultDownloadPin() DownloadPin { return download.DefaultPin() }

// Download fetches the model req names, verifies it and publishes it, reporting progress
// (which may be nil).
func Download(ctx context.Context, req DownloadRequest, progress func(DownloadProgress)) (DownloadResult, error) {
	return download.Get(ctx, req, progress)
}

// The runtime's files.

// FontFiles names the DejaVu fonts the theme draws with.
var FontFiles = assets.FontFiles

// Font returns the contents of one of the runtime's font files (a FontFiles name).
func Font(name string) ([]byte, error) { return assets.Font(name) }
