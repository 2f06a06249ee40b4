package engine

import (
	"context"
	"fmt"
	"strings"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
)

// A calibration's climb in parts (climbFrom, repeat), so that one which misses its quality
// goals can climb further (CalibrateOptions.GrowBudget).

// climbFrom climbs the ladder from step index i until the budget is spent; next is the first
// step not taken (len(Ladder) when every step was).
func (c *calibration) climbFrom(ctx context.Context, i int) (next int, err error) {
	for ; i < len(c.o.Ladder); i++ {
		done, err := c.climb(ctx, i+1, c.o.Ladder[i])
		if err != nil {
			return i, err
		}
		if done {
			return i, nil
		}
	}
	return i, nil
}

// repeat measures the twins climbed so far again until each has the runs it wants
// (repeatPasses); the repeats may run past the budget by a fifth when the machine slowed down
// on the way. With last set, no further step will be climbed, and the time left in the
// budget goes to extra passes over the small twins (extraPasses).
func (c *calibration) repeat(ctx context.Context, last bool) error {
	end := c.start.Add(c.o.Budget + c.writing)
	deadline := end.Add(c.o.Budget / 5)
	if !last {
		return repeatPasses(ctx, c.measured, deadline, benchLadderRun, c.say, &c.cal.Notes, &c.tally)
	}
	return extraPasses(ctx, c.measured, end, deadline, benchLadderRun, c.say, &c.cal.Notes, &c.tally)
}

// growReason says why the climb, stopped before step index next, should measure further: the
// goals its runs miss, else a kernel a step ahead would measure and none of them did; "" when
// neither.
func (c *calibration) growReason(next int) string {
	if miss := c.missedGoals(); miss != "" {
		return miss
	}
	return c.unmeasuredAhead(next)
}

// Issue 22's goals for a calibration, as `project --validate` measures them: the leave-one-out
// median error, the median band's half-width and the share of runs inside their bands.
const (
	goalLeaveOneOutPct = 5.0
	goalBandPct        = 12.0
	goalCoverage       = 0.8
)

// missedGoals validates the runs measured so far as `project --validate` would, and says which
// of the goals they miss ("" when none).
func (c *calibration) missedGoals() string {
	cal := c.cal
	cal.Measurements = nil
	for _, r := range c.measured {
		cal.Measurements = append(cal.Measurements, MeasurementFromBench(r.modelID, r.res, r.opts.Model))
	}
	return qualityMisses(c.o.Machine, cal)
}

// qualityMisses says which of the goals cal's runs miss when each is projected from the
// others ("" when none).
func qualityMisses(machine estimate.MachineSpec, cal estimate.Calibration) string {
	v := estimate.Validate(machine, cal, catalog.All())
	var miss []string
	if v.MedianAbsErrorPct > goalLeaveOneOutPct {
		miss = append(miss, fmt.Sprintf("leave-one-out %.1f %% (goal %.0f)", v.MedianAbsErrorPct, goalLeaveOneOutPct))
	}
	if v.MedianBandPct > goalBandPct {
		miss = append(miss, fmt.Sprintf("median band ±%.1f %% (goal ±%.0f)", v.MedianBandPct, goalBandPct))
	}
	if v.BandCoverage < goalCoverage {
		miss = append(miss, fmt.Sprintf("%.0f %% inside their bands (goal %.0f)", 100*v.BandCoverage, 100*goalCoverage))
	}
	if len(miss) == 0 {
		return ""
	}
	return "the fit missed " + strings.Join(miss, ", ")
}
