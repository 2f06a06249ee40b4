package estimate

import (
	"encoding/json"
	"fmt"
	"os"
)

// ReadCalibrationFile reads the calibration from a file someone named (`--calibration FILE`):
// one calibration as `slmscope calibrate --json` prints it (or as the test fixtures keep it),
// read as it is and never moved; anything else is a calibration cache, read as LoadCalibration
// reads it (a missing file is ErrNoCalibration, a corrupt one is moved aside and said so). A
// single calibration of another machine than key is ErrNoCalibration, with both machines named.
func ReadCalibrationFile(path, key string) (Calibration, error) {
	if data, err := os.ReadFile(path); err == nil {
		var one Calibration
		if json.Unmarshal(data, &one) == nil && one.Key != "" && len(one.Measurements) > 0 {
			if key != "" && one.Key != key {
				return Calibration{}, fmt.Errorf("%s measured another machine (%s), not this one (%s); add --no-probe to project for the machine it measured: %w", path, one.Key, key, ErrNoCalibration)
			}
			return one, nil
		}
	}
	return LoadCalibration(path, key)
}

// pick is the cache's calibration for key, or its newest for an empty key.
func pick(cf cacheFile, key string) (Calibration, error) {
	if key != "" {
		c, ok := cf.Entries[key]
		if !ok {
			return Calibration{}, ErrNoCalibration
		}
		return c, nil
	}
	var best Calibration
	found := false
	for _, c := range cf.Entries {
		if !found || c.When.After(best.When) {
			best, found = c, true
		}
	}
	if !found {
		return Calibration{}, ErrNoCalibration
	}
	return best, nil
}
