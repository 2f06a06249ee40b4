package download

import "time"

// progressEvery is the shortest gap between two progress reports.
const progressEvery = 100 * time.Millisecond

// meter turns byte counts into throttled Progress reports with speed and ETA.
type meter struct {
	fn       func(Progress)
	now      func() time.Time
	p        Progress
	last     time.Time
	lastDone int64
}

func newMeter(fn func(Progress), now func() time.Time) *meter { return &meter{fn: fn, now: now} }

// begin starts a phase at done bytes of total (-1 when unknown).
func (m *meter) begin(phase, source string, done, total int64) {
	if total <= 0 {
		total = -1
	}
	m.p = Progress{Phase: phase, Source: source, Done: done, Total: total, ETA: -1}
	m.last, m.lastDone = m.now(), done
	m.emit()
}

// update reports done bytes, at most every progressEvery.
func (m *meter) update(done int64) {
	now := m.now()
	dt := now.Sub(m.last)
	if dt < progressEvery {
		m.p.Done = done
		return
	}
	rate := float64(done-m.lastDone) / dt.Seconds()
	if m.p.BytesPerSec == 0 {
		m.p.BytesPerSec = rate
	} else {
		m.p.BytesPerSec = 0.7*m.p.BytesPerSec + 0.3*rate // smooth out bursts
	}
	m.p.Done = done
	m.p.ETA = -1
	if m.p.Total > 0 && m.p.BytesPerSec > 0 {
		m.p.ETA = time.Duration(float64(m.p.Total-done) / m.p.BytesPerSec * float64(time.Second))
	}
	m.last, m.lastDone = now, done
	m.emit()
}

// end reports the final count of a phase.
func (m *meter) end(done int64) {
	m.p.Done = done
	if m.p.Total > 0 && done >= m.p.Total {
		m.p.ETA = 0
	}
	m.emit()
}

func (m *meter) emit() {
	if m.fn != nil {
		m.fn(m.p)
	}
}
