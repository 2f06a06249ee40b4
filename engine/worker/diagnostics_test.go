package worker

import (
	"testing"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// TestApplyDiagnostics checks that each switch changes only its own parameter and only when
// set to "1".
func TestApplyDiagnostics(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		noHost     uint8
		extraBufts uint8
		loadMode   llama.LoadMode
	}{
		{name: "none", env: nil, noHost: 0, extraBufts: 1, loadMode: llama.LoadModeAuto},
		{name: "no host", env: map[string]string{EnvNoHost: "1"}, noHost: 1, extraBufts: 1, loadMode: llama.LoadModeAuto},
		{name: "no repack", env: map[string]string{EnvNoRepack: "1"}, noHost: 0, extraBufts: 0, loadMode: llama.LoadModeAuto},
		{name: "no mmap", env: map[string]string{EnvNoMmap: "1"}, noHost: 0, extraBufts: 1, loadMode: llama.LoadModeNone},
		{name: "not 1", env: map[string]string{EnvNoMmap: "yes", EnvNoRepack: "0"}, noHost: 0, extraBufts: 1, loadMode: llama.LoadModeAuto},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{EnvNoHost, EnvNoRepack, EnvNoMmap} {
				t.Setenv(k, tc.env[k])
			}
			mp := llama.ModelParams{UseExtraBufts: 1, LoadMode: llama.LoadModeAuto}
			applyDiagnostics(&mp)
			if mp.NoHost != tc.noHost || mp.UseExtraBufts != tc.extraBufts || mp.LoadMode != tc.loadMode {
				t.Errorf("got no_host %d, use_extra_bufts %d, load mode %d; want %d, %d, %d",
					mp.NoHost, mp.UseExtraBufts, mp.LoadMode, tc.noHost, tc.extraBufts, tc.loadMode)
			}
		})
	}
}
