package engine

import (
	"strings"
	"time"

	"slmscope/hwprobe"
)

// energyMeter reads the CPU package energy counters (RAPL) so a run's average power can be
// measured. On machines without readable counters it reports nothing, and cost figures fall
// back to labelled defaults.
type energyMeter struct {
	start  time.Time
	joules map[string]float64
	max    map[string]float64
}

func startEnergy() *energyMeter {
	zones, err := hwprobe.ReadRAPL(hwprobe.Options{})
	if err != nil || len(zones) == 0 {
		return nil
	}
	m := &energyMeter{start: time.Now(), joules: map[string]float64{}, max: map[string]float64{}}
	for _, z := range zones {
		if strings.HasPrefix(z.Name, "package") {
			m.joules[z.Path] = z.EnergyJoules
			m.max[z.Path] = z.MaxEnergyJoules
		}
	}
	if len(m.joules) == 0 {
		return nil
	}
	return m
}

// watts returns the average package power since start, and where it came from.
func (m *energyMeter) watts() (float64, string) {
	if m == nil {
		return 0, ""
	}
	zones, err := hwprobe.ReadRAPL(hwprobe.Options{})
	if err != nil {
		return 0, ""
	}
	sec := time.Since(m.start).Seconds()
	if sec <= 0 {
		return 0, ""
	}
	total := 0.0
	for _, z := range zones {
		before, ok := m.joules[z.Path]
		if !ok {
			continue
		}
		d := z.EnergyJoules - before
		if d < 0 { // the counter wrapped
			d += m.max[z.Path]
		}
		total += d
	}
	return total / sec, "RAPL CPU package energy over the generation"
}
