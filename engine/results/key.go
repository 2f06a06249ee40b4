package results

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"slmscope/internal/safefile"
)

// EnvKey names another key file (tests, a second installation on one account).
const EnvKey = "SLMSCOPE_RESULTS_KEY"

// KeyPath is the installation's signing key: results-key in the user's slmscope config folder.
func KeyPath() (string, error) {
	if p := os.Getenv(EnvKey); p != "" {
		return p, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your user config folder to keep the results signing key in: %w", err)
	}
	return filepath.Join(d, "slmscope", "results-key"), nil
}

// LoadOrCreateKey reads the ed25519 key at path, creating it (readable by its owner only,
// 0600) on first use. Two processes creating it at once agree on one key: the file is
// created exclusively and the loser reads the winner's.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	if k, err := readKey(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the folder for the results signing key %s: %w", path, err)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("cannot make a results signing key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot create the results signing key %s (check the folder's permissions): %w", path, err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(seed) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot write the results signing key %s (is the disk full?): %w", path, err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// readKey reads a key file written by LoadOrCreateKey.
func readKey(path string) (ed25519.PrivateKey, error) {
	data, err := safefile.ReadFile(path, 1024)
	if err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("the results signing key %s is damaged: move it away and save again (a new key is made; files saved with the old one stay valid)", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
