package localmodels

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// incompleteSuffix marks a blob the Hugging Face client is still (or was) writing.
const incompleteSuffix = ".incomplete"

// scanHF reads a Hugging Face hub cache: models--<org>--<name>/snapshots/<commit>/<file>
// are symlinks into blobs/; interrupted downloads are blobs/<etag>.incomplete.
func (s *scanner) scanHF(src Source, root string) {
	for _, e := range s.list(src, root, true) {
		if e.IsDir() && strings.HasPrefix(e.Name(), "models--") {
			s.scanHFRepo(src, root, e.Name())
		}
	}
}

// hfRepoName turns "models--org--name" into "org/name".
func hfRepoName(dir string) string {
	return strings.Replace(strings.TrimPrefix(dir, "models--"), "--", "/", 1)
}

// scanHFRepo adds the .gguf files of every snapshot of one repository, and its partial
// GGUF downloads.
func (s *scanner) scanHFRepo(src Source, root, dir string) {
	repo := hfRepoName(dir)
	snaps := filepath.Join(root, dir, "snapshots")
	for _, commit := range s.subdirs(src, snaps, true) {
		s.walk(src, filepath.Join(snaps, commit), "", 1, func(rel string) string { return repo + "/" + rel })
	}
	blobs := filepath.Join(root, dir, "blobs")
	for _, e := range s.list(src, blobs, true) {
		if !strings.HasSuffix(e.Name(), incompleteSuffix) || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(blobs, e.Name())
		if !startsWithGGUF(p) {
			continue // a partial safetensors or other file: not ours to report
		}
		s.add(candidate{name: repo + " (partial download)", source: src, path: p,
			problem: "an interrupted download of " + repo + ": finish it with `hf download " + repo + "` (or huggingface-cli) or delete this .incomplete file"})
	}
}

// startsWithGGUF reports whether the regular file at p begins with the GGUF magic.
func startsWithGGUF(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head, []byte("GGUF"))
}
