package twin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"slmscope/internal/safefile"
)

// A twin is only handed out when the stamp beside it (name + ".stamp") matches it. The stamp
// is written after the twin is complete, so a twin cut short by a crash, one a second
// process is still writing, or one an older slmscope wrote (no stamp) is rewritten.

// stampVersion is the stamp format; a stamp of another version does not match.
const stampVersion = 1

// stampEdge is how many bytes at each end of the file the stamp's checksum covers (cheap to
// check on every use, and enough to catch a file cut short or rewritten).
const stampEdge = 64 << 10

type stamp struct {
	Version int    `json:"version"`
	Format  int    `json:"format"` // the writer's FormatVersion
	Size    int64  `json:"size"`
	Edges   string `json:"edges_sha256"`
}

func stampPath(path string) string { return path + ".stamp" }

// edgesHash is the SHA-256 of the first and last stampEdge bytes of the regular file at path.
func edgesHash(path string) (string, int64, error) {
	f, fi, err := safefile.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	size := fi.Size()
	if _, err := io.CopyN(h, f, min(size, stampEdge)); err != nil {
		return "", 0, err
	}
	if size > stampEdge {
		if _, err := f.Seek(max(stampEdge, size-stampEdge), io.SeekStart); err != nil {
			return "", 0, err
		}
		if _, err := io.Copy(h, f); err != nil {
			return "", 0, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// writeStamp records a finished twin of the expected size.
func writeStamp(path string) error {
	sum, size, err := edgesHash(path)
	if err != nil {
		return fmt.Errorf("checking the twin just written: %w", err)
	}
	data, _ := json.Marshal(stamp{Version: stampVersion, Format: FormatVersion, Size: size, Edges: sum})
	return safefile.WriteAtomic(stampPath(path), data)
}

// stampMatches reports whether the twin at path is complete: its stamp exists, is of this
// slmscope's versions, and matches the file's size and checksum.
func stampMatches(path string, size int64) bool {
	data, err := safefile.ReadFile(stampPath(path), 4<<10)
	if err != nil {
		return false
	}
	var s stamp
	if json.Unmarshal(data, &s) != nil || s.Version != stampVersion || s.Format != FormatVersion || s.Size != size {
		return false
	}
	sum, got, err := edgesHash(path)
	return err == nil && got == size && sum == s.Edges
}

// removeTwin deletes a twin and its stamp; either being missing is not an error.
func removeTwin(path string) error {
	err := os.Remove(stampPath(path))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
