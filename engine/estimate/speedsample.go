package estimate

import (
	"slmscope/engine/catalog"
	"slmscope/engine/quant"
)

// speedSample is one measurement reduced to what the speed fits need.
type speedSample struct {
	m        Measurement
	readByte float64 // bytes read per generated token (weights + KV at the mean position)
	params   float64
	prof     *Profile // per-kernel work, when the run's tensor types are known
}

// readPerToken is what one decode step of cm at quant reads: weights (ReadPerToken) plus the
// F16 KV cache up to position pos. When weightBytes is known (a real file) the weight part is
// scaled to it.
func readPerToken(cm catalog.Model, qt quant.Quant, weightBytes int64, pos int) (float64, int64, error) {
	w, err := WeightsOf(cm, qt)
	if err != nil {
		return 0, 0, err
	}
	read := float64(w.ReadPerToken)
	if weightBytes > 0 && w.Bytes > 0 {
		read *= float64(weightBytes) / float64(w.Bytes)
	}
	kv := 0.0
	if pos > 0 {
		kvb, err := modelKV(cm, pos, "F16")
		if err == nil {
			kv = float64(kvb)
		}
	}
	return read + kv, w.Params, nil
}

func speedSamples(ms []Measurement, models []catalog.Model, device string) []speedSample {
	var out []speedSample
	for _, m := range ms {
		if !measuredSpeedOn(m, device) {
			continue
		}
		if s := speedSampleOf(m, models, device); s.readByte > 0 {
			out = append(out, s)
		}
	}
	return out
}

// measuredSpeedOn says whether m is a run on device that measured a decode or prompt speed.
func measuredSpeedOn(m Measurement, device string) bool {
	if m.GenTPS <= 0 && m.PromptTPS <= 0 {
		return false
	}
	if device == "cpu" {
		return m.OnCPU()
	}
	return m.Device == device
}

// speedSampleOf reduces m, a run on device, to a speed sample: what a token reads from its
// catalog shape when it has one, else from the file's weights.
func speedSampleOf(m Measurement, models []catalog.Model, device string) speedSample {
	s := speedSample{m: m, params: float64(m.Params)}
	if cm, ok := findModel(models, m.ModelID); ok && s.readFromCatalog(cm, device) {
		return s
	}
	// not a catalog shape or quant: the file's weights are what a token reads
	wb := m.WeightBytes
	if wb == 0 {
		wb = m.FileBytes
	}
	s.readByte = float64(wb)
	return s
}

// readFromCatalog sets what a token of s's run reads at its mean position, its parameter count
// when the run did not record one, and its per-kernel work when the quant can be planned, all
// from the catalog shape cm; false when cm cannot be weighed at the run's quant.
func (s *speedSample) readFromCatalog(cm catalog.Model, device string) bool {
	m := s.m
	pos := m.PromptTokens + m.GenTokens/2
	r, p, err := readPerToken(cm, m.Quant, m.WeightBytes, pos)
	if err != nil {
		return false
	}
	s.readByte = r
	if s.params == 0 {
		s.params = float64(p)
	}
	if ts, err := Plan(cm, m.Quant); err == nil {
		prof := ProfileOf(cm, ts, device)
		s.prof = &prof
	}
	return true
}
