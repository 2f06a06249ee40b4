package ui

import (
	"context"
	"fmt"

	"slmscope/engine"
)

// Background work of the "On this machine" tab: scanning the stores and judging each file
// (both read files), and measuring one. Results reach the widgets only through App.do.

// scan looks for models off the UI goroutine; only the newest scan is shown.
func (m *modelsTab) scan() {
	m.gen++
	gen, dirs, st := m.gen, m.dirs(), m.state
	m.rescan.Disable()
	m.spawn(func() {
		rows, err := m.scanRows(dirs, st)
		m.a.do(func() { m.applyRows(gen, rows, err) })
	})
}

// scanRows scans and judges every usable file against st, and finds its newest measurement.
func (m *modelsTab) scanRows(dirs []string, st engine.MachineState) ([]localRow, error) {
	found, err := m.src.scan(context.Background(), dirs)
	if err != nil {
		return nil, err
	}
	var history []engine.Run
	if m.src.history != nil {
		history, _ = m.src.history() // no history yet is the usual case
	}
	rows := make([]localRow, len(found))
	for i, md := range found {
		rows[i].model = md
		if !md.OK() {
			continue
		}
		rows[i].before = st.FileBeforeLoading(md.Path, md.Bytes, engine.TwinRunContext)
		if r, ok := engine.LatestRun(history, engine.FileKey(md.Path), st.Key); ok {
			rows[i].measured = &r
		}
	}
	return rows, nil
}

// onMeasure benches one file (a short greedy benchmark in a fresh worker), appends it to the
// run history and shows the measurement beside the projection.
func (m *modelsTab) onMeasure(md engine.LocalModel) {
	if !m.measuring.IsZero() {
		return
	}
	m.measuring = engine.FileKey(md.Path)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.status.SetText("Measuring " + md.Name + "…")
	m.redrawRows()
	var proj engine.Projection // the card's projection, read here on the UI goroutine
	for _, r := range m.rows {
		if r.model.Path == md.Path && r.before.Projection != nil {
			proj = *r.before.Projection
		}
	}
	m.spawn(func() {
		say := func(msg string) {
			m.a.do(func() { m.status.SetText(md.Name + ": " + msg) })
		}
		run, err := m.src.measure(ctx, md.Path, say)
		var paceMsg string
		if err == nil {
			paceMsg, _, _ = outsideBandPace(ctx, m.src.pace, proj, run.GenTPS, say)
		}
		m.a.do(func() {
			m.measuring, m.cancel = "", nil
			cancel()
			if err != nil {
				m.status.SetText("Measuring " + md.Name + " failed: " + err.Error())
				m.redrawRows()
				return
			}
			m.status.SetText(fmt.Sprintf("Measured %s: %s. It is in the run history.", md.Name, run.Describe()) + paceMsg)
			for i := range m.rows {
				if m.rows[i].model.Path == md.Path {
					r := run
					m.rows[i].measured = &r
				}
			}
			m.redrawRows()
		})
	})
}

// redrawRows rebuilds the cards from the current rows (button states change).
func (m *modelsTab) redrawRows() {
	m.list.RemoveAll()
	for _, r := range m.rows {
		m.list.Add(m.rowView(r))
	}
}

// measureFile benches the GGUF file at path the way Compare ▶ measures a twin (greedy, 32
// tokens generated after a prompt of engine.DefaultPromptTokens, the prompt the card's
// projection is for) and records the run.
func measureFile(ctx context.Context, workers engine.Options, machineKey, path string, progress func(string)) (engine.Run, error) {
	ref, err := engine.ParseModelRef(path, "")
	if err != nil {
		return engine.Run{}, err
	}
	m, err := engine.MeasureAndRecord(ctx, engine.MeasureRequest{Model: ref, Origin: engine.OriginCompare, Machine: engine.MachineState{Key: machineKey},
		Bench: engine.BenchOptions{PromptTokens: engine.DefaultPromptTokens, GenTokens: 32, Repeat: 1, Worker: workers, Progress: progress}})
	if err != nil {
		return engine.Run{}, err
	}
	run := m.Run
	if m.RecordErr != nil {
		return run, fmt.Errorf("measured, but the run history could not be written: %w", m.RecordErr)
	}
	return run, nil
}
