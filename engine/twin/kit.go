package twin

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
	"slmscope/internal/safefile"
)

// The offline class kit: the twins a class will use, copied onto a USB stick once and into
// each learner's cache from there, so nobody writes gigabytes in class.

// Export copies the cache's current twins into dir (created if needed) under their cache
// names, and returns what it copied. Twins of an older writer are left out.
func (c *Cache) Export(dir string) ([]Entry, error) {
	entries, err := c.List()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w (choose a folder you can write to)", dir, err)
	}
	var out []Entry
	for _, e := range entries {
		if !e.Current {
			continue
		}
		dst := filepath.Join(dir, filepath.Base(e.Path))
		if err := copyFile(e.Path, dst); err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Import reads every twin file in dir back through slmscope's GGUF reader and copies the
// good ones into the cache (to a temporary name, then renamed, then stamped). A file that is
// not a current twin of a catalog model, has the wrong size or does not read as a model is
// left out with its problem; nothing half-copied is ever published.
func (c *Cache) Import(dir string) (imported []Entry, problems []string, err error) {
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the kit folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("cannot create the twin cache folder: %w", err)
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name() < names[j].Name() })
	for _, d := range names {
		src := filepath.Join(dir, d.Name())
		e, why := checkKitTwin(src, d.Name())
		if why != "" {
			if filepath.Ext(d.Name()) == ".gguf" {
				problems = append(problems, d.Name()+": "+why)
			}
			continue
		}
		dst := filepath.Join(c.Dir, d.Name())
		c.mu.Lock()
		err := copyFile(src, dst)
		if err == nil {
			err = writeStamp(dst)
		}
		c.mu.Unlock()
		if err != nil {
			problems = append(problems, d.Name()+": "+err.Error())
			continue
		}
		e.Path = dst
		imported = append(imported, e)
	}
	return imported, problems, nil
}

// checkKitTwin says why src is not a twin the cache can take, or "" with its entry.
func checkKitTwin(src, name string) (Entry, string) {
	id, q, format, ok := parseName(name)
	if !ok {
		return Entry{}, "not a twin file name (model.quant.twinN.gguf)"
	}
	if format != FormatVersion {
		return Entry{}, fmt.Sprintf("written by another slmscope (twin format %d, this one writes %d)", format, FormatVersion)
	}
	m, ok := catalog.ByID(id)
	if !ok {
		return Entry{}, "no catalog model " + id
	}
	st, err := safefile.Check(src)
	if err != nil {
		return Entry{}, err.Error()
	}
	want, err := Size(m, q)
	if err != nil {
		return Entry{}, err.Error()
	}
	if st.Size() != want {
		return Entry{}, fmt.Sprintf("%d bytes, a complete twin has %d (cut short or changed: copy it again)", st.Size(), want)
	}
	f, err := gguf.Open(src)
	if err != nil {
		return Entry{}, err.Error()
	}
	if err := f.CheckModel(); err != nil {
		return Entry{}, err.Error()
	}
	if v, ok := f.Get(KeyTwinOf); !ok {
		return Entry{}, "its metadata does not name it a twin"
	} else if of, _ := v.AsString(); of != id {
		return Entry{}, "its metadata does not name it a twin of " + id
	}
	return Entry{ID: id, Quant: q, Format: format, Bytes: st.Size(), Current: true}, ""
}

// copyFile copies src to dst through a temporary file in dst's folder and a rename.
func copyFile(src, dst string) (err error) {
	in, _, err := safefile.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(dst), err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, in); err != nil {
		if safefile.IsDiskFull(err) {
			return fmt.Errorf("the disk holding %s is full: %w", dst, err)
		}
		return fmt.Errorf("cannot copy %s: %w", src, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot finish %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return errors.Join(fmt.Errorf("cannot move %s into place", dst), err)
	}
	return nil
}
