package localmodels

import "os"

// fileKey identifies a file on this machine: device and inode.
type fileKey [2]uint64 // device, inode

// dedupe drops items whose (first) file was already reached by an earlier item, through
// a symlink, a hard link or another manifest, and records the dropped names as aliases of
// the kept one. Earlier stores win, so a blob shared by Ollama and a user folder is listed
// under Ollama. Items that cannot be stat'ed are kept as they are (their problem is listed).
func (s *scanner) dedupe(items []*item) []*item {
	byID := map[fileKey]*item{}
	bySize := map[int64][]sameFile{} // fallback where there are no inode numbers
	out := items[:0]
	for _, it := range items {
		if it.problem != "" || it.model.Path == "" {
			out = append(out, it)
			continue
		}
		fi, err := os.Stat(it.model.Path)
		if err != nil || !fi.Mode().IsRegular() {
			out = append(out, it)
			continue
		}
		var kept *item
		if id, ok := fileIdentity(fi); ok {
			if kept = byID[id]; kept == nil {
				byID[id] = it
			}
		} else {
			for _, sf := range bySize[fi.Size()] {
				if os.SameFile(sf.fi, fi) {
					kept = sf.it
					break
				}
			}
			if kept == nil {
				bySize[fi.Size()] = append(bySize[fi.Size()], sameFile{fi: fi, it: it})
			}
		}
		if kept != nil {
			kept.model.Aliases = append(kept.model.Aliases, string(it.model.Source)+":"+it.model.Name)
			continue
		}
		out = append(out, it)
	}
	return out
}

type sameFile struct {
	fi os.FileInfo
	it *item
}
