package class

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"slmscope/charts"
	"slmscope/engine/assets"
	"slmscope/internal/units"
)

// MaxModelColumns bounds the machines × models table to the models most machines measured.
const MaxModelColumns = 8

// ModelColumns are the models measured on the most machines (at most MaxModelColumns), by key
// with their names, most measured first.
func (c Class) ModelColumns() (keys, names []string) {
	count := map[string]int{}
	name := map[string]string{}
	for _, m := range c.Machines {
		for _, r := range m.Runs {
			count[r.Key]++
			name[r.Key] = r.Model
		}
	}
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > MaxModelColumns {
		keys = keys[:MaxModelColumns]
	}
	for _, k := range keys {
		names = append(names, name[k])
	}
	return keys, names
}

// RunCell is one machine's newest run of key in one line ("" = not measured there).
func (m Machine) RunCell(key string) string {
	for _, r := range m.Runs {
		if r.Key == key {
			s := units.TokPerSec(r.GenTPS) + " · TTFT " + units.Millis(r.TTFTMs)
			if r.PeakRSSBytes > 0 {
				s += " · " + units.Bytes(r.PeakRSSBytes)
			}
			return s
		}
	}
	return "—"
}

// MachinesTable is machines × models measured.
func (c Class) MachinesTable() charts.Table {
	keys, names := c.ModelColumns()
	t := charts.Table{Caption: "Machines × models measured (newest run of each; generation tok/s · time to first token · peak memory, all measured on that machine)",
		Header: append([]string{"Machine", "CPU", "RAM", "Bandwidth"}, names...)}
	for _, m := range c.Machines {
		row := []string{m.Label, cpuText(m), units.GB(m.RAMBytes), bwText(m.BandwidthGBs)}
		for _, k := range keys {
			row = append(row, m.RunCell(k))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func cpuText(m Machine) string {
	s := m.CPU
	if m.Cores > 0 {
		s += fmt.Sprintf(" (%d cores)", m.Cores)
	}
	if len(m.GPUs) > 0 {
		s += " + " + strings.Join(m.GPUs, ", ")
	}
	return s
}

func bwText(gbs float64) string {
	if gbs <= 0 {
		return "not measured"
	}
	return units.GBps(gbs)
}

// FitTable is each machine's verdicts for FitModels.
func (c Class) FitTable() charts.Table {
	t := charts.Table{Caption: fmt.Sprintf("Can this machine run it? slmscope's one fit rule (weights, KV cache at %d tokens, runtime) with each machine's own memory and calibration", FitContext),
		Header: []string{"Machine"}}
	for _, cr := range c.CanRun {
		t.Header = append(t.Header, cr.Model+" "+cr.Quant)
	}
	for _, m := range c.Machines {
		row := []string{m.Label}
		for _, f := range m.Fits {
			v := "no"
			if f.Fits {
				v = "yes (" + f.Placement + ")"
			}
			row = append(row, fmt.Sprintf("%s: needs %s of %s", v, units.GB(f.NeedBytes), units.GB(f.AvailableBytes)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// SpeedChart is generation speed against measured bandwidth, one point per machine, with the
// ceiling line.
func (c Class) SpeedChart() charts.Chart {
	ch := charts.Chart{ID: "class-speed-vs-bandwidth", Title: "Generation speed against memory bandwidth",
		X:     charts.Axis{Label: "Memory bandwidth, GB/s (measured by each machine's microbenchmark)", Unit: charts.UnitNone},
		Y:     charts.Axis{Label: "Generation", Unit: charts.UnitTokPerSec},
		Empty: "No machine measured the same model with a measured bandwidth yet."}
	s := c.Speed
	if s == nil {
		return ch
	}
	ch.Subtitle = "One point per machine: its newest measured run of " + s.Model + "."
	pts := charts.Series{Name: s.Model + " (measured)", Kind: charts.Measured}
	hi := 0.0
	for _, p := range s.Points {
		pts.Points = append(pts.Points, charts.Point{X: p.BandwidthGBs, Y: p.GenTPS, Label: p.Label, Note: "measured on " + p.Label})
		hi = math.Max(hi, p.BandwidthGBs)
	}
	ch.Series = append(ch.Series, pts)
	if s.ReadPerTokenBytes > 0 && hi > 0 {
		ch.Subtitle += fmt.Sprintf(" The line is the ceiling: bandwidth ÷ %s read per token (every weight once per token); real machines land below it.", units.Bytes(s.ReadPerTokenBytes))
		ch.Series = append(ch.Series, charts.FunctionSeries("ceiling: bandwidth ÷ bytes per token", charts.Reference, s.Ceiling, hi/20, hi*1.1, 24, charts.Linear))
	}
	return ch
}

// PredictionTable is each machine's prediction score.
func (c Class) PredictionTable() charts.Table {
	t := charts.Table{Caption: "Predict, then measure: each learner's guesses against the measurements, beside slmscope's projections",
		Header: []string{"Machine", "Predictions", "Guess off by (median)", "slmscope off by (median)", "Measurement inside slmscope's band", "Learner closer"}}
	for _, m := range c.Machines {
		p := m.Predictions
		if p.N == 0 {
			t.Rows = append(t.Rows, []string{m.Label, "0", "—", "—", "—", "—"})
			continue
		}
		proj, band, closer := "—", "—", "—"
		if p.WithProjection > 0 {
			proj = units.Percent(p.MedianProjectionErrorPct / 100)
			band = fmt.Sprintf("%d of %d", p.InBand, p.WithProjection)
			closer = fmt.Sprintf("%d of %d", p.LearnerCloser, p.WithProjection)
		}
		t.Rows = append(t.Rows, []string{m.Label, fmt.Sprint(p.N), units.Percent(p.MedianGuessErrorPct / 100), proj, band, closer})
	}
	return t
}

// RPCTable is the plans for models too large for any one machine.
func (c Class) RPCTable() charts.Table {
	t := charts.Table{Caption: "Planning past one room — " + RPCLabel,
		Header: []string{"Model", "Needs", "Machines (even layer split)", "Memory per machine", "Network traffic per token"}}
	for _, p := range c.RPC {
		if p.Machines == 0 {
			t.Rows = append(t.Rows, []string{p.Model + " " + p.Quant, units.GB(p.NeedBytes), "not even all machines of this class together", "—", "—"})
			continue
		}
		t.Rows = append(t.Rows, []string{p.Model + " " + p.Quant, units.GB(p.NeedBytes), fmt.Sprintf("%d (of %d layers)", p.Machines, p.Layers),
			units.GB(p.PerMachineBytes) + " + its own runtime",
			fmt.Sprintf("%s (%d hidden × %d bytes × %d boundaries)", units.Bytes(p.TrafficPerTokenBytes), p.Hidden, ActivationBytes, p.Boundaries)})
	}
	return t
}

// RejectedTable lists the files left out and why.
func (c Class) RejectedTable() charts.Table {
	t := charts.Table{Caption: "Files left out", Header: []string{"File", "Reason"}}
	for _, r := range c.Rejected {
		t.Rows = append(t.Rows, []string{r.File, r.Reason})
	}
	for _, r := range c.Superseded {
		t.Rows = append(t.Rows, []string{r.File, r.Reason})
	}
	return t
}

// MedianText says the median machine in one line.
func (c Class) MedianText() string {
	m := c.Median
	if m == nil {
		return "No machines yet."
	}
	return fmt.Sprintf("The median machine is %s (%s): %s memory bandwidth, %s RAM. Across the class the median RAM is %s and the median core count %s.",
		m.Label, m.CPU, bwText(m.BandwidthGBs), units.GB(m.RAMBytes), units.GB(m.MedianRAMBytes), units.Sig(m.MedianCores, 3))
}

// Page lays the class out as an HTML page.
func Page(c Class) charts.Page {
	var can []string
	for _, cr := range c.CanRun {
		can = append(can, "How many machines in this room can run "+cr.String()+".")
	}
	intro := fmt.Sprintf("%s from %s in %s; %s left out. Every speed below was measured on the machine that reports it; every fit is slmscope's one fit rule on that machine's own memory.",
		units.Count(len(c.Machines), "machine"), units.Count(len(c.Machines)+len(c.Rejected)+len(c.Superseded), "result file"), c.Dir, units.Count(len(c.Rejected)+len(c.Superseded), "file"))
	sections := []charts.Section{
		{Heading: "Machines", Paragraphs: []string{c.MedianText()}, Tables: []charts.Table{c.MachinesTable()}},
		{Heading: "Speed against memory bandwidth", Paragraphs: []string{"Generating a token reads every weight once, so a machine's memory bandwidth sets the ceiling of its generation speed: the points should rise with bandwidth and stay under the line."}, Charts: []charts.Chart{c.SpeedChart()}},
		{Heading: "What this room can run", Paragraphs: can, Tables: []charts.Table{c.FitTable()}},
		{Heading: "Predict, then measure", Paragraphs: []string{"The class: " + c.Predictions.Summary() + "."}, Tables: []charts.Table{c.PredictionTable()}},
	}
	if len(c.RPC) > 0 {
		sections = append(sections, charts.Section{Heading: "Planning past one room (" + RPCLabel + ")",
			Paragraphs: []string{"llama.cpp's RPC backend can split one model's layers across machines on a network. For each model no single machine here can hold: the fewest machines of this class whose memory holds an even share of the layers, and the hidden state each token carries across every machine boundary (hidden size × 4 bytes, F32). Each boundary also adds a network round trip per token: on Wi-Fi at 5 ms that alone caps generation at 200 tokens/s divided by the number of boundaries."},
			Tables:     []charts.Table{c.RPCTable()}})
	}
	if len(c.Rejected)+len(c.Superseded) > 0 {
		sections = append(sections, charts.Section{Heading: "Files left out", Tables: []charts.Table{c.RejectedTable()}})
	}
	return charts.Page{Title: "slmscope class view", Intro: intro, Sections: sections,
		Footer: fmt.Sprintf("Generated by slmscope on %s from signed result files. A valid signature proves a file was not changed after its installation saved it, not that its numbers are honest. The page works offline: its charting library is inside this file.", c.Read.UTC().Format("2006-01-02 15:04 UTC"))}
}

// WriteHTML writes the class as one self-contained offline HTML file.
func WriteHTML(w io.Writer, c Class) error {
	lib, err := assets.EChartsJS()
	if err != nil {
		return fmt.Errorf("cannot write the class report without the charting library: %w", err)
	}
	return charts.RenderHTML(w, Page(c), lib)
}
