// Projections, calibration and prices under the engine's names (see api_models.go).

package engine

import "slmscope/engine/estimate"

type (
	// Projection is one model at one quant on this machine: memory, fit, speed and cost,
	// each with its basis and error band (estimate.Projection).
	Projection = estimate.Projection
	// ProjectionOptions are a projection's settings: context, prompt length, cost
	// (estimate.Options).
	ProjectionOptions = estimate.Options
	// MachineSpec is the machine as projections see it (estimate.MachineSpec).
	MachineSpec = estimate.MachineSpec
	// Calibration is what was measured on one machine (estimate.Calibration).
	Calibration = estimate.Calibration
	// Measurement is one measured twin or model (estimate.Measurement).
	Measurement = estimate.Measurement
	// Validation is the leave-one-out check of the projections (estimate.Validation).
	Validation = estimate.Validation
	// PriceTable is the dated API price table (estimate.PriceTable).
	PriceTable = estimate.PriceTable
	// CostSettings are the electricity price and currency (estimate.CostSettings).
	CostSettings = estimate.CostSettings
)

const (
	// DefaultContext is the context length projections use when none is given.
	DefaultContext = estimate.DefaultContext
	// DefaultPricePerKWh is the electricity price setting's default.
	DefaultPricePerKWh = estimate.DefaultPricePerKWh
	// PlaceUnknown is the placement when the machine's memory is not known.
	PlaceUnknown = estimate.PlaceUnknown
	// SourceMeasured marks a projection backed by a measurement of that model here.
	SourceMeasured = estimate.SourceMeasured
	// SourceProjected marks a projection from the calibration's fit, with a band.
	SourceProjected = estimate.SourceProjected
	// ProjectedGenTokens is how many tokens a projected run generates (its speed is read at
	// their middle).
	ProjectedGenTokens = estimate.ProjectedGenTokens
)

// ProjectedQuants lists the quantizations the estimator knows, in the order the app shows them.
func ProjectedQuants() []Quant { return estimate.Quants() }

// CalibrationCachePath is the calibration cache's file.
func CalibrationCachePath() (string, error) { return estimate.CachePath() }

// LoadCalibration reads the calibration stored for the machine key from path.
func LoadCalibration(path, key string) (Calibration, error) {
	return estimate.LoadCalibration(path, key)
}

// DefaultCostSettings are the cost settings before the user changes them.
func DefaultCostSettings() CostSettings { return estimate.DefaultCostSettings() }

// DefaultPrices is the built-in API price table.
func DefaultPrices() PriceTable { return estimate.DefaultPrices() }

// PricesPath is the user's price table file.
func PricesPath() (string, error) { return estimate.PricesPath() }

// ParsePrices reads a price table in prices.json's format; path only names it in errors.
func ParsePrices(data []byte, path string) (PriceTable, error) {
	return estimate.ParsePrices(data, path)
}

// SavePrices writes the price table t to path.
func SavePrices(path string, t PriceTable) error { return estimate.SavePrices(path, t) }
