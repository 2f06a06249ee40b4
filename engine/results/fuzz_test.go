package results

import "testing"

// FuzzDecode feeds arbitrary bytes to the result-file decoder: it never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"schema":1,"machine":{"cpu":"x"},"runs":[{"gen_tps":"NaN"}]}`))
	f.Add([]byte("not json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Decode(data)
	})
}
