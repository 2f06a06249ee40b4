package runs

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the run history reader: it never panics, and every run
// it keeps passes Check.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"v":1,"when":"2026-11-29T10:00:00Z","origin":"live","key":"twin:a@Q8_0","gen_tps":90,"prompt_tps":500,"ttft_ms":40}` + "\n"))
	f.Add([]byte("garbage\n{\"v\":99}\n{\"v\":1,\"when\":\"2026-11-29T1"))
	f.Add([]byte(`{"v":1,"when":"2026-11-29T10:00:00Z","key":"twin:a@Q8_0","gen_tps":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "runs.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rs, _, err := Load(path)
		if err != nil {
			return
		}
		for _, r := range rs {
			if err := r.Check(); err != nil {
				t.Fatalf("kept a run that fails Check: %v", err)
			}
		}
	})
}
