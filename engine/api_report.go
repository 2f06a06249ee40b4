// The Compare table, the hardware summary, the HTML report and the class view under the
// engine's names (see api_models.go).

package engine

import (
	"bytes"
	"io"

	"slmscope/charts"
	"slmscope/engine/class"
	"slmscope/engine/report"
	"slmscope/engine/table"
	"slmscope/hwprobe"
	"slmscope/internal/safefile"
)

type (
	// ReportInput is what the report and the Compare table are computed from (table.Input).
	ReportInput = table.Input
	// ReportData is every catalog model's projection, the validation and the prices
	// (table.Data).
	ReportData = table.Data
	// Column is one column of the Compare table (table.Column).
	Column = table.Column
	// AnswerGroup is one verdict's models in the answer (table.AnswerGroup).
	AnswerGroup = table.AnswerGroup
	// GroupKind is an answer group's verdict (table.GroupKind).
	GroupKind = table.GroupKind
	// HardwareSection is one section of the hardware summary (report.HardwareSection).
	HardwareSection = report.HardwareSection
)

// The Compare table's columns the front ends name.
const (
	ColParams  = table.ColParams
	ColFits    = table.ColFits
	ColSource  = table.ColSource
	NumColumns = table.NumColumns
)

// The answer's verdicts, in the order they are shown.
const (
	GroupWell    = table.GroupWell
	GroupSlow    = table.GroupSlow
	GroupPartial = table.GroupPartial
	GroupNoFit   = table.GroupNoFit
)

// The hardware summary's sections the front ends name.
const (
	SectionRAM       = report.SectionRAM
	SectionGPU       = report.SectionGPU
	SectionGPUNotes  = report.SectionGPUNotes
	SectionBandwidth = report.SectionBandwidth
	SectionLlama     = report.SectionLlama
	SectionNotes     = report.SectionNotes
)

const (
	// DefaultPromptTokens is the prompt length the TTFT column assumes unless told otherwise.
	DefaultPromptTokens = table.DefaultPromptTokens
	// EmptyStateText is what the Compare screen says before anything is measured here.
	EmptyStateText = report.EmptyStateText
	// CalibrationTime is how long a default calibration takes ("2 to 3 minutes").
	CalibrationTime = report.CalibrationTime
)

// ComputeReport projects every model at every quant and runs the validation, without I/O.
func ComputeReport(in ReportInput) ReportData { return table.Compute(in) }

// WriteReport computes the report for in and writes it to w as one offline HTML file.
func WriteReport(w io.Writer, in ReportInput) error { return report.Write(w, in) }

// ReportCharts returns the report's charts in order (speed, memory, cost, time to first
// token).
func ReportCharts(d ReportData) []charts.Chart { return report.Charts(d) }

// ComparisonTable puts two local models beside each API, in the lesson's terms.
func ComparisonTable(d ReportData) charts.Table { return report.ComparisonTable(d) }

// PriceTableChart is the dated API price table as a table to show.
func PriceTableChart(t PriceTable) charts.Table { return report.PriceTable(t) }

// ValidationTables are the leave-one-out speed and memory tables (empty ones left out).
func ValidationTables(v Validation) []charts.Table { return report.ValidationTables(v) }

// QuantsFor is the default quants followed by every quant measured in cal.
func QuantsFor(cal Calibration) []Quant { return table.QuantsFor(cal) }

// Cells returns p's row of the Compare table as text.
func Cells(p Projection) [NumColumns]string { return table.Cells(p) }

// SortKey orders rows by column c: numbers for numeric columns, text otherwise.
func SortKey(p Projection, c Column) (float64, string) { return table.SortKey(p, c) }

// ColumnTitle is column c's header; the TTFT column names the prompt length it assumes.
func ColumnTitle(c Column, promptTokens int) string { return table.ColumnTitle(c, promptTokens) }

// Badge is "● measured" or "○ projected ±12%".
func Badge(p Projection) string { return table.Badge(p) }

// MemoryBreakdown says what p's memory is made of.
func MemoryBreakdown(p Projection) string { return table.MemoryBreakdown(p) }

// ParamsText says how many parameters a model holds (and reads per token, for experts).
func ParamsText(p Projection) string { return table.ParamsText(p) }

// TTFTText is the time to first token as text.
func TTFTText(p Projection) string { return table.TTFTText(p) }

// Answer picks each model's best quantization among ps and groups the models by verdict.
func Answer(ps []Projection) []AnswerGroup { return table.Answer(ps) }

// AnswerQuant is the quantization as the answer names it: the published name where
// llama.cpp's differs.
func AnswerQuant(p Projection) string { return table.AnswerQuant(p) }

// AnswerSpeed is the generation speed for the answer.
func AnswerSpeed(p Projection) string { return table.AnswerSpeed(p) }

// AnswerMemory is what the model needs of what the machine has ("4.92 of 12.9 GB").
func AnswerMemory(p Projection) string { return table.AnswerMemory(p) }

// AnswerBand is the speed's band, "9.8–15.1", or "" for a measurement or when there is
// none.
func AnswerBand(p Projection) string { return table.AnswerBand(p) }

// HardwareSections renders the probe r, with the bandwidth the projections use from m.
func HardwareSections(r *hwprobe.Report, m MachineSpec) []HardwareSection {
	return report.HardwareSections(r, m)
}

// Class is a folder of result files, added up (class.Class).
type Class = class.Class

// ClassRejected is a result file left out of the class, and why (class.Rejected).
type ClassRejected = class.Rejected

// ClassFingerprint sums up what dir holds: when it changes, LoadClass again.
func ClassFingerprint(dir string) (string, error) { return class.Fingerprint(dir) }

// LoadClass reads every result file in dir and adds them up.
func LoadClass(dir string) (Class, error) { return class.Load(dir) }

// WriteClassHTML writes the class as one self-contained offline HTML file.
func WriteClassHTML(w io.Writer, c Class) error { return class.WriteHTML(w, c) }

// SaveClassHTML writes the class's offline HTML report to path in one step (a temporary file
// renamed into place), so a failure never leaves half a report: what the app's Report button
// and `slmscope class --out` both do.
func SaveClassHTML(path string, c Class) error {
	var buf bytes.Buffer
	if err := class.WriteHTML(&buf, c); err != nil {
		return err
	}
	return safefile.WriteAtomic(path, buf.Bytes())
}
