package localmodels

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ollamaModelMediaType marks the manifest layer that holds the GGUF weights.
const ollamaModelMediaType = "application/vnd.ollama.image.model"

// ollamaDefaultHost is left out of model names, as `ollama list` does.
const ollamaDefaultHost = "registry.ollama.ai"

// maxManifestBytes bounds a manifest read; real ones are about 1 KB.
const maxManifestBytes = 1 << 20

var digestRE = regexp.MustCompile(`^sha256[:-]([0-9a-f]{64})$`)

// ollamaManifest is the part of an Ollama (OCI-style) manifest slmscope reads.
type ollamaManifest struct {
	Layers []struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int64  `json:"size"`
	} `json:"layers"`
}

// scanOllama reads root/manifests/<host>/<namespace>/<model>/<tag>; each manifest's model
// layer names root/blobs/sha256-<hex>, the GGUF file.
func (s *scanner) scanOllama(root string) {
	mdir := filepath.Join(root, "manifests")
	for _, host := range s.subdirs(Ollama, mdir, true) {
		for _, ns := range s.subdirs(Ollama, filepath.Join(mdir, host), false) {
			for _, model := range s.subdirs(Ollama, filepath.Join(mdir, host, ns), false) {
				dir := filepath.Join(mdir, host, ns, model)
				for _, e := range s.list(Ollama, dir, false) {
					if strings.HasPrefix(e.Name(), ".") {
						continue
					}
					name := ns + "/" + model + ":" + e.Name()
					if host != ollamaDefaultHost {
						name = host + "/" + name
					}
					s.add(ollamaCandidate(root, name, filepath.Join(dir, e.Name())))
				}
			}
		}
	}
}

// subdirs lists the (non-hidden) folders inside dir.
func (s *scanner) subdirs(src Source, dir string, quiet bool) []string {
	var out []string
	for _, e := range s.list(src, dir, quiet) {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// ollamaCandidate reads one manifest and returns its model blob, or an entry saying what is
// wrong with the manifest.
func ollamaCandidate(root, name, manifest string) candidate {
	c := candidate{name: name, source: Ollama, path: manifest}
	b, err := readSmallFile(manifest, maxManifestBytes)
	if err != nil {
		var nr *notRegularError
		switch {
		case errors.As(err, &nr):
			c.problem = "the manifest " + nr.Error()
		case errors.Is(err, fs.ErrPermission):
			c.problem = "cannot read the manifest: permission denied"
		default:
			c.problem = "cannot read the manifest: " + unwrapPath(err)
		}
		return c
	}
	var m ollamaManifest
	if err := json.Unmarshal(b, &m); err != nil {
		c.problem = "the manifest is not valid JSON (" + err.Error() + "): the store is damaged; run `ollama pull " + name + "` again"
		return c
	}
	for _, l := range m.Layers {
		if l.MediaType != ollamaModelMediaType {
			continue
		}
		hex := digestRE.FindStringSubmatch(l.Digest)
		if hex == nil {
			c.problem = problemf("the manifest's model layer has an invalid digest %q: the store is damaged; run `ollama pull %s` again", l.Digest, name)
			return c
		}
		blob := filepath.Join(root, "blobs", "sha256-"+hex[1])
		if _, err := os.Lstat(blob); errors.Is(err, fs.ErrNotExist) {
			// Ollama before 0.1.30 (and its Windows builds) named blobs "sha256:<hex>".
			if old := filepath.Join(root, "blobs", "sha256:"+hex[1]); exists(old) {
				blob = old
			}
		}
		c.path = blob
		c.wantSize = l.Size
		if !exists(blob) {
			c.problem = problemf("the manifest points to blob sha256-%s…, which is missing: run `ollama pull %s` again", hex[1][:12], name)
		}
		return c
	}
	c.problem = "the manifest has no model layer (" + ollamaModelMediaType + "): nothing to run"
	return c
}

// exists reports whether p can be Lstat'ed.
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
