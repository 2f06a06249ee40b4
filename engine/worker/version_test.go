package worker

import "testing"

func TestVersionMatches(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"0.5.0", true},
		{"0.5.0-dev", true},
		{"v0.5.0 (abc123)", true},
		{" 0.5.0\n", true},
		{"0.5.01", false},
		{"0.5.1", false},
		{"0.4.9", false},
		{"", false},
		{"b6000", false},
	}
	for _, tt := range tests {
		if got := versionMatches(tt.v); got != tt.want {
			t.Errorf("versionMatches(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
