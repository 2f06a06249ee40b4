//go:build linux

package engine

import (
	"slices"
	"testing"
)

func TestWithHugePages(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"no tunables", []string{"HOME=/h"}, []string{"HOME=/h", "GLIBC_TUNABLES=glibc.malloc.hugetlb=1"}},
		{"other tunables kept", []string{"GLIBC_TUNABLES=glibc.malloc.arena_max=2", "A=b"},
			[]string{"GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", "A=b"}},
		{"empty tunables", []string{"GLIBC_TUNABLES="}, []string{"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"}},
		{"the user's choice stays", []string{"GLIBC_TUNABLES=glibc.malloc.hugetlb=0"}, []string{"GLIBC_TUNABLES=glibc.malloc.hugetlb=0"}},
		{"the last of duplicates, which is the one passed", []string{"GLIBC_TUNABLES=x=1", "GLIBC_TUNABLES=y=2"},
			[]string{"GLIBC_TUNABLES=x=1", "GLIBC_TUNABLES=y=2:glibc.malloc.hugetlb=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withHugePages(slices.Clone(tt.env)); !slices.Equal(got, tt.want) {
				t.Errorf("withHugePages(%q) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}
