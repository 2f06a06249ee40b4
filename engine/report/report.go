// Package report renders what slmscope knows about this machine: the hardware summary, the
// charts (speed, memory, cost, time to first token) and the offline HTML page that
// `slmscope report` and the Compare screen's export write. The Compare table's data model
// (Compute, the columns, the answer's grouping) is engine/table; Write renders its result as
// one self-contained offline HTML file.
package report

import (
	"fmt"
	"io"

	"slmscope/charts"
	"slmscope/engine/assets"
	"slmscope/engine/table"
)

// Write computes the report for in and writes it to w as one self-contained HTML file.
func Write(w io.Writer, in table.Input) error {
	lib, err := assets.EChartsJS()
	if err != nil {
		return fmt.Errorf("cannot build the HTML report without the charting library: %w", err)
	}
	return charts.RenderHTML(w, Page(table.Compute(in)), lib)
}
