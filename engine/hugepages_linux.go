//go:build linux

package engine

import "strings"

// hugePagesTunable asks glibc's malloc to advise the kernel to back its large blocks with
// transparent huge pages (glibc 2.35 and later; older versions and other C libraries ignore
// it).
const hugePagesTunable = "glibc.malloc.hugetlb=1"

// withHugePages adds hugePagesTunable to a worker's environment. llama.cpp keeps the weights
// it repacks for the CPU (3.4 of the 4.9 GB of the 8B Q4_K_M twin), the KV cache and its
// compute buffers in malloc'd memory and never asks for huge pages; where the kernel gives
// them only on request (transparent_hugepage "madvise", as on this Debian 12 machine and on
// Ubuntu) those gigabytes sat in 4 KiB pages. Measured here (scripts/hugepages.sh,
// docs/accuracy.md, 2026-12-06): the 8B twin loads in 8.7–13.8 s instead of 16.4–28.9 s, and
// generation was faster in 13 of 15 paired runs (8B and 1B; median pair +4 %). A
// GLIBC_TUNABLES that already sets glibc.malloc.hugetlb is the user's choice and kept
// (hugetlb=0 turns this off).
func withHugePages(env []string) []string {
	const key = "GLIBC_TUNABLES="
	// os/exec passes the last of duplicate keys, so that is the one to extend.
	for i := len(env) - 1; i >= 0; i-- {
		v, ok := strings.CutPrefix(env[i], key)
		if !ok {
			continue
		}
		if !strings.Contains(v, "glibc.malloc.hugetlb=") {
			if v != "" {
				v += ":"
			}
			env[i] = key + v + hugePagesTunable
		}
		return env
	}
	return append(env, key+hugePagesTunable)
}
