//go:build linux || windows

package hwprobe

// fieldQuery returns the query function the vendor-library probes (NVML, ROCm SMI) fill a GPU
// with. A query runs one library call for field and reports whether it worked; when it did
// not, g.Unknown says why: the symbol the library lacks (missing[field]), or the library's
// error, prefixed with lib.
func fieldQuery[C any](g *GPU, lib string, missing map[string]string, errOf func(C) error) func(field string, present bool, call func() C) bool {
	return func(field string, present bool, call func() C) bool {
		if !present {
			g.Unknown.set(field, missing[field])
			return false
		}
		if err := errOf(call()); err != nil {
			g.Unknown.set(field, lib+": "+err.Error())
			return false
		}
		return true
	}
}
