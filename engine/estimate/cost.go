package estimate

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"slmscope/internal/statefile"
	"slmscope/internal/units"
)

// Default power per device class, used for energy cost when no power was measured. They are
// round figures, labelled as defaults wherever they are shown: a laptop CPU package under a
// sustained load draws about 25 W, a desktop CPU about 65 W (a common TDP); a GPU is taken at
// its board power limit.
const (
	DefaultLaptopCPUWatts  = 25.0
	DefaultDesktopCPUWatts = 65.0
	// DefaultGPUWatts is used for a GPU whose power limit is unknown.
	DefaultGPUWatts = 150.0
	// DefaultPricePerKWh is the electricity price setting's default (in Currency units).
	DefaultPricePerKWh = 0.30
)

// CostSettings are the user's cost inputs.
type CostSettings struct {
	PricePerKWh float64 `json:"price_per_kwh"`
	Currency    string  `json:"currency"`
	// Hardware amortisation (all optional): purchase price in Currency, lifetime in years and
	// hours of use per day.
	HardwarePrice float64 `json:"hardware_price,omitempty"`
	LifetimeYears float64 `json:"lifetime_years,omitempty"`
	HoursPerDay   float64 `json:"hours_per_day,omitempty"`
}

// DefaultCostSettings is 0.30 per kWh, no amortisation. The currency label is "USD" to match
// the API price table; change both together.
func DefaultCostSettings() CostSettings {
	return CostSettings{PricePerKWh: DefaultPricePerKWh, Currency: "USD"}
}

// Power is the power a device draws while generating, with where the figure came from.
type Power struct {
	Watts    float64 `json:"watts"`
	Measured bool    `json:"measured"`
	Basis    string  `json:"basis"`
}

// MeasuredPower wraps a measured average power.
func MeasuredPower(watts float64, source string) Power {
	if source == "" {
		source = "power counter"
	}
	return Power{Watts: watts, Measured: true, Basis: fmt.Sprintf("measured %.1f W average (%s)", watts, source)}
}

// DefaultPower is the labelled default for a device: a GPU's power limit (or 150 W when
// unknown), else 25 W for a laptop CPU or 65 W for a desktop CPU.
func DefaultPower(machine MachineSpec, gpu *GPU) Power {
	if gpu != nil {
		if gpu.PowerLimitW > 0 {
			return Power{Watts: gpu.PowerLimitW, Basis: fmt.Sprintf("default: %s power limit %.0f W (not measured)", gpu.Name, gpu.PowerLimitW)}
		}
		return Power{Watts: DefaultGPUWatts, Basis: fmt.Sprintf("default: %.0f W for a GPU whose power limit is unknown (not measured)", DefaultGPUWatts)}
	}
	if machine.Laptop {
		return Power{Watts: DefaultLaptopCPUWatts, Basis: fmt.Sprintf("default: %.0f W for a laptop CPU (not measured)", DefaultLaptopCPUWatts)}
	}
	return Power{Watts: DefaultDesktopCPUWatts, Basis: fmt.Sprintf("default: %.0f W for a desktop CPU (not measured)", DefaultDesktopCPUWatts)}
}

// Cost is the local cost of one million tokens at a speed.
type Cost struct {
	// KWhPerMTok is the energy for one million tokens.
	KWhPerMTok float64 `json:"kwh_per_mtok"`
	// EnergyPerMTok and HardwarePerMTok are in Currency; TotalPerMTok is their sum.
	EnergyPerMTok   float64 `json:"energy_per_mtok"`
	HardwarePerMTok float64 `json:"hardware_per_mtok"`
	TotalPerMTok    float64 `json:"total_per_mtok"`
	Currency        string  `json:"currency"`
	Power           Power   `json:"power"`
	Basis           string  `json:"basis"`
}

// CostPerMillion prices one million tokens generated at tps tokens/s drawing power:
// energy = W · (10⁶ / tps) s ÷ 3.6·10⁶ J/kWh, times the price per kWh; amortisation spreads
// the hardware price over lifetime years × 365 × hours/day of use. A zero or negative speed
// gives a zero cost with a Basis that says why.
func CostPerMillion(tps float64, power Power, s CostSettings) Cost {
	c := Cost{Currency: s.Currency, Power: power}
	if tps <= 0 || power.Watts <= 0 {
		c.Basis = "no cost: speed or power unknown"
		return c
	}
	seconds := 1e6 / tps
	c.KWhPerMTok = power.Watts * seconds / 3.6e6
	c.EnergyPerMTok = c.KWhPerMTok * s.PricePerKWh
	c.Basis = fmt.Sprintf("%.1f W × %s per million tokens = %.3f kWh × %.2f %s/kWh (%s)",
		power.Watts, units.Duration(seconds), c.KWhPerMTok, s.PricePerKWh, s.Currency, power.Basis)
	if s.HardwarePrice > 0 && s.LifetimeYears > 0 && s.HoursPerDay > 0 {
		useSeconds := s.LifetimeYears * 365 * s.HoursPerDay * 3600
		c.HardwarePerMTok = s.HardwarePrice * seconds / useSeconds
		c.Basis += fmt.Sprintf(" + hardware %.0f %s over %.1f years at %.1f h/day", s.HardwarePrice, s.Currency, s.LifetimeYears, s.HoursPerDay)
	}
	c.TotalPerMTok = c.EnergyPerMTok + c.HardwarePerMTok
	return c
}

// APIPrice is one hosted model's list price per million tokens.
type APIPrice struct {
	Model         string  `json:"model"`
	Provider      string  `json:"provider"`
	InputPerMTok  float64 `json:"input_per_mtok"`
	OutputPerMTok float64 `json:"output_per_mtok"`
	AsOf          string  `json:"as_of"`
	Source        string  `json:"source"`
	// Official is true when the price was read on the provider's own page, false when it
	// came from a third-party summary (the Source says which).
	Official bool `json:"official"`
}

// Label is "as of DATE, source NAME" for display beside the price.
func (p APIPrice) Label() string {
	return fmt.Sprintf("as of %s, source %s", p.AsOf, p.Source)
}

// BlendedPerMTok is the price of a million tokens of which inputShare (0..1) are input.
func (p APIPrice) BlendedPerMTok(inputShare float64) float64 {
	inputShare = math.Min(math.Max(inputShare, 0), 1)
	return inputShare*p.InputPerMTok + (1-inputShare)*p.OutputPerMTok
}

// PriceTable is the dated, editable table of API prices.
type PriceTable struct {
	AsOf     string     `json:"as_of"`
	Currency string     `json:"currency"`
	Note     string     `json:"note,omitempty"`
	Prices   []APIPrice `json:"prices"`
	// Path is the user file the table came from ("" = the built-in table).
	Path string `json:"-"`
}

//go:embed prices.json
var builtinPrices []byte

// DefaultPrices is the built-in table (engine/estimate/prices.json, embedded).
func DefaultPrices() PriceTable {
	var t PriceTable
	if err := json.Unmarshal(builtinPrices, &t); err != nil {
		panic("estimate: built-in prices.json is invalid: " + err.Error()) // caught by tests
	}
	return t
}

// PricesPath is the user's editable copy: os.UserConfigDir()/slmscope/api_prices.json.
func PricesPath() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config folder for the API price table: %w", err)
	}
	return filepath.Join(d, "slmscope", "api_prices.json"), nil
}

// LoadPrices returns the user's table at path when it exists, else the built-in one. A user
// file that cannot be parsed or has no prices is an error (the built-in table is returned
// beside it so the caller can carry on and show the message).
func LoadPrices(path string) (PriceTable, error) {
	if path == "" {
		return DefaultPrices(), nil
	}
	var t PriceTable
	err := statefile.Load("API price table", path, func(data []byte) error {
		var perr error
		t, perr = ParsePrices(data, path)
		return perr
	})
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultPrices(), nil
	}
	if err != nil {
		// A bad file was moved aside (or could not be read): the built-in table carries on.
		return DefaultPrices(), err
	}
	return t, nil
}

// maxPricePerMTok is the most a price per million tokens may be before it is taken as a typo.
const maxPricePerMTok = 1e6

// validPrice reports whether v is a finite price between 0 and maxPricePerMTok.
func validPrice(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v <= maxPricePerMTok
}

// ParsePrices reads a price table in prices.json's format; path only names it in errors and
// in the Source of entries that give none.
func ParsePrices(data []byte, path string) (PriceTable, error) {
	var t PriceTable
	if err := json.Unmarshal(data, &t); err != nil {
		return PriceTable{}, fmt.Errorf("the API price table %s is not valid JSON (%v): fix it or delete it to use the built-in prices", path, err)
	}
	if len(t.Prices) == 0 {
		return PriceTable{}, fmt.Errorf("the API price table %s lists no prices: add some or delete it to use the built-in prices", path)
	}
	for i, p := range t.Prices {
		if p.Model == "" || !validPrice(p.InputPerMTok) || !validPrice(p.OutputPerMTok) {
			return PriceTable{}, fmt.Errorf("the API price table %s: entry %d needs a model name and prices between 0 and %.0f per million tokens", path, i+1, float64(maxPricePerMTok))
		}
		if p.AsOf == "" {
			t.Prices[i].AsOf = t.AsOf
		}
		if p.Source == "" {
			t.Prices[i].Source = "your own table " + path
		}
	}
	t.Path = path
	return t, nil
}

// SavePrices writes t to path as indented JSON (for an "edit prices" screen).
// Prices that are negative, not a number, infinite or absurdly large are refused. The file
// is replaced atomically under the lock every slmscope process shares.
func SavePrices(path string, t PriceTable) error {
	for i, p := range t.Prices {
		if !validPrice(p.InputPerMTok) || !validPrice(p.OutputPerMTok) {
			return fmt.Errorf("price %d (%s) must be between 0 and %.0f per million tokens, got %v and %v: correct it before saving", i+1, p.Model, float64(maxPricePerMTok), p.InputPerMTok, p.OutputPerMTok)
		}
	}
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("cannot encode the API price table: %w", err)
	}
	err = statefile.Update("API price table", path, func([]byte) error { return nil }, func(bool) ([]byte, error) { return data, nil })
	if err != nil && statefile.Note(err) == "" {
		return err
	}
	return nil
}

// Find returns the price whose model name contains name (case-insensitive).
func (t PriceTable) Find(name string) (APIPrice, bool) {
	for _, p := range t.Prices {
		if strings.EqualFold(p.Model, name) {
			return p, true
		}
	}
	for _, p := range t.Prices {
		if strings.Contains(strings.ToLower(p.Model), strings.ToLower(name)) {
			return p, true
		}
	}
	return APIPrice{}, false
}

// PercentOfCost is local as a percentage of api (100 · local / api); 0 when api is 0.
func PercentOfCost(local, api float64) float64 {
	if api <= 0 {
		return 0
	}
	return 100 * local / api
}

// QualityPerDollar is a user-entered quality score divided by the cost of a million tokens;
// 0 when the cost is 0 (free, or unknown) so a free option is not shown as infinitely good.
func QualityPerDollar(quality, costPerMTok float64) float64 {
	if costPerMTok <= 0 {
		return 0
	}
	return quality / costPerMTok
}

// Comparison is a local model against one API model, in the lesson's terms.
type Comparison struct {
	LocalModel string  `json:"local_model"`
	APIModel   string  `json:"api_model"`
	LocalPerM  float64 `json:"local_per_mtok"`
	APIPerM    float64 `json:"api_per_mtok"`
	// PercentOfCost is local ÷ API × 100.
	PercentOfCost float64 `json:"percent_of_cost"`
	// QualityPerDollar for each side, when quality scores were given (else 0).
	LocalQualityPerDollar float64 `json:"local_quality_per_dollar,omitempty"`
	APIQualityPerDollar   float64 `json:"api_quality_per_dollar,omitempty"`
	Sentence              string  `json:"sentence"`
}

// Compare puts a local cost per million output tokens beside an API's output price.
// localQuality and apiQuality are optional user-entered scores (0 = not given).
func Compare(localModel string, local Cost, api APIPrice, localQuality, apiQuality float64) Comparison {
	c := Comparison{LocalModel: localModel, APIModel: api.Model, LocalPerM: local.TotalPerMTok, APIPerM: api.OutputPerMTok}
	c.PercentOfCost = PercentOfCost(c.LocalPerM, c.APIPerM)
	c.Sentence = fmt.Sprintf("%s on this machine costs %.4g %s per million generated tokens, %.1f%% of the cost of %s's output tokens (%.2f %s, %s)",
		localModel, c.LocalPerM, local.Currency, c.PercentOfCost, api.Model, c.APIPerM, local.Currency, api.Label())
	if localQuality > 0 && apiQuality > 0 {
		c.LocalQualityPerDollar = QualityPerDollar(localQuality, c.LocalPerM)
		c.APIQualityPerDollar = QualityPerDollar(apiQuality, c.APIPerM)
		if c.APIQualityPerDollar > 0 {
			c.Sentence += fmt.Sprintf("; with your quality scores (%.3g vs %.3g) that is %.3g× the quality per %s", localQuality, apiQuality,
				c.LocalQualityPerDollar/c.APIQualityPerDollar, local.Currency)
		}
	}
	return c
}
