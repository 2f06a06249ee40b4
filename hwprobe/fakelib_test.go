//go:build linux

package hwprobe

import (
	"strings"
	"testing"
)

// fakeLibCase is one variant of a fake vendor library (built with defines): either the probe
// fails with an error containing wantErr, or check looks at the GPUs it lists.
type fakeLibCase struct {
	name    string
	defines []string
	wantErr string // substring of the error; "" = no error
	check   func(t *testing.T, gpus []GPU)
}

// runFakeLibCases builds each case's library with build, probes it with probe, and checks
// the outcome as a subtest. A failing probe must list no GPUs.
func runFakeLibCases(t *testing.T, tests []fakeLibCase, build func(t *testing.T, defines ...string) string, probe func(lib string) ([]GPU, error)) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gpus, err := probe(build(t, tc.defines...))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if len(gpus) != 0 {
					t.Errorf("got GPUs %v with an error", gpus)
				}
				return
			}
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			tc.check(t, gpus)
		})
	}
}
