package results

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"slmscope/engine/estimate"
	"slmscope/engine/runs"
	"slmscope/internal/predict"
	"slmscope/internal/safefile"
)

// MaxLabelRunes bounds a label.
const MaxLabelRunes = 64

// ErrTampered is a file whose signature does not match its contents.
var ErrTampered = errors.New("the signature does not match: the file was changed after it was saved (or signed by another installation's key)")

// CheckLabel refuses a label that could be taken for a path or that hides characters: it is
// shown on the class view and in reports, and never used to name a file.
func CheckLabel(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("the label is not valid text")
	case utf8.RuneCountInString(s) > MaxLabelRunes:
		return fmt.Errorf("the label is longer than %d characters: shorten it", MaxLabelRunes)
	case strings.ContainsAny(s, `/\:`) || strings.Contains(s, ".."):
		return fmt.Errorf("the label %q looks like a path: use letters, digits, spaces and dashes", s)
	case strings.HasPrefix(s, "."):
		return fmt.Errorf("the label %q starts with a dot: use letters, digits, spaces and dashes", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("the label has a control character (%U): type it again", r)
		}
	}
	return nil
}

// Validate checks everything a result file says: the label, the hardware figures, every run
// (no NaN, infinite or negative speeds, no paths) and every prediction.
func Validate(r Results) error {
	if err := checkSchema(r.Schema); err != nil {
		return err
	}
	if r.Schema < 1 {
		return fmt.Errorf("schema %d is not valid", r.Schema)
	}
	if err := CheckLabel(r.Label); err != nil {
		return err
	}
	if err := checkHardware(r.Hardware); err != nil {
		return err
	}
	if err := checkMachine(r.Machine); err != nil {
		return err
	}
	if err := checkRuns(r.Runs); err != nil {
		return err
	}
	if err := checkCalibration(r.Calibration); err != nil {
		return err
	}
	for i, p := range r.Predictions {
		if err := p.Check(); err != nil {
			return fmt.Errorf("prediction %d: %w", i+1, err)
		}
	}
	return nil
}

// checkSchema refuses a file written by a newer slmscope.
func checkSchema(schema int) error {
	if schema > Schema {
		return fmt.Errorf("written by a newer slmscope (schema %d; this one reads %d): update slmscope to read it", schema, Schema)
	}
	return nil
}

// checkHardware refuses negative memory or cores and bandwidths that are not numbers, for
// the machine and for each GPU.
func checkHardware(h Hardware) error {
	if h.RAMBytes < 0 || h.Cores < 0 || h.Threads < 0 || !sane(h.BandwidthGBs, 1e5) || !sane(h.TheoreticalGBs, 1e5) {
		return errors.New("the hardware summary has impossible figures (negative memory or cores, or a bandwidth that is not a number)")
	}
	for _, g := range h.GPUs {
		if g.MemoryBytes < 0 || !sane(g.BandwidthGBs, 1e5) {
			return fmt.Errorf("GPU %q has impossible figures", g.Name)
		}
	}
	return nil
}

// checkMachine refuses negative memory figures and a bandwidth that is not a number in the
// estimator's view of the machine.
func checkMachine(m estimate.MachineSpec) error {
	if m.RAMTotalBytes < 0 || m.RAMAvailableBytes < 0 || m.CgroupLimitBytes < 0 || !sane(m.MeasuredBandwidthGBs, 1e5) {
		return errors.New("the machine's memory figures are impossible")
	}
	return nil
}

// checkRuns checks at most MaxRuns runs: each passes its own Check, has possible figures and
// names no file path (a shared result file must not reveal one).
func checkRuns(rs []runs.Run) error {
	if len(rs) > MaxRuns {
		return fmt.Errorf("%d runs, more than the %d a result file may carry", len(rs), MaxRuns)
	}
	for i, run := range rs {
		if err := run.Check(); err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		if run.GenTPS >= predict.MaxTPS || run.PromptTPS >= predict.MaxTPS || run.PeakRSSBytes < 0 || run.File != "" {
			return fmt.Errorf("run %d has impossible figures or a file path", i+1)
		}
		if p, ok := run.Key.Path(); ok && strings.ContainsAny(p, `/\`) {
			return fmt.Errorf("run %d names a path", i+1)
		}
	}
	return nil
}

// checkCalibration refuses calibration runs with speeds, times or memory that are not
// possible.
func checkCalibration(c estimate.Calibration) error {
	for i, m := range c.Measurements {
		if !sane(m.GenTPS, predict.MaxTPS) || !sane(m.PromptTPS, predict.MaxTPS) || !sane(m.TTFTMs, 1e9) || m.PeakRSSBytes < 0 {
			return fmt.Errorf("calibration run %d has impossible figures", i+1)
		}
	}
	return nil
}

// sane says v is a number in [0, limit).
func sane(v, limit float64) bool { return !math.IsNaN(v) && v >= 0 && v < limit }

// Decode checks a result file's bytes: its format and schema, the signature over the results
// exactly as they are in the file, and everything they say (Validate). The error is one
// sentence for the class view's list of refused files.
func Decode(data []byte) (Results, error) {
	env, err := readEnvelope(data)
	if err != nil {
		return Results{}, err
	}
	if err := env.verify(); err != nil {
		return Results{}, err
	}
	var r Results
	if err := json.Unmarshal(env.Results, &r); err != nil {
		return Results{}, fmt.Errorf("the results do not have the expected fields: %w", err)
	}
	if r.PublicKey != env.PublicKey || r.Schema != env.Schema {
		return Results{}, errors.New("the signed results name another key or schema than the file: it was put together from two files")
	}
	if err := Validate(r); err != nil {
		return Results{}, err
	}
	return r, nil
}

// readEnvelope reads the file's outer JSON: at most MaxFileBytes, a slmscope result file of
// a schema this slmscope reads.
func readEnvelope(data []byte) (envelope, error) {
	if len(data) > MaxFileBytes {
		return envelope{}, fmt.Errorf("the file is %d bytes, more than the %d a result file may have", len(data), MaxFileBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return envelope{}, errors.New("the file is empty")
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return envelope{}, fmt.Errorf("not JSON, or cut short (%v): save the results again", err)
	}
	if env.Format != Format {
		return envelope{}, fmt.Errorf("not a slmscope result file (format %q)", env.Format)
	}
	if err := checkSchema(env.Schema); err != nil {
		return envelope{}, err
	}
	return env, nil
}

// verify checks the signature over the results' exact bytes with the public key the file
// carries.
func (env envelope) verify() error {
	pub, err := base64.StdEncoding.DecodeString(env.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return errors.New("the file has no valid public key")
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("the file has no valid signature")
	}
	if len(env.Results) == 0 || !ed25519.Verify(pub, signed(env.Results), sig) {
		return ErrTampered
	}
	return nil
}

// ReadFile reads and checks the result file at path: only a regular file (never a pipe or
// a device) of at most MaxFileBytes.
func ReadFile(path string) (Results, error) {
	data, err := safefile.ReadFile(path, MaxFileBytes)
	var tooBig *safefile.TooLargeError
	if errors.As(err, &tooBig) {
		return Results{}, fmt.Errorf("the file is %d bytes, more than the %d a result file may have", tooBig.Size, MaxFileBytes)
	}
	if err != nil {
		return Results{}, err
	}
	return Decode(data)
}

// Save writes r, signed with key, to path atomically, readable by others (it is meant to
// be handed in).
func Save(path string, r Results, key ed25519.PrivateKey) error {
	data, err := Encode(r, key)
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(path, data); err != nil {
		return fmt.Errorf("could not save the results: %w", err)
	}
	_ = os.Chmod(path, 0o644)
	return nil
}
