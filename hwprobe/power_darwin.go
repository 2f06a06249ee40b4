package hwprobe

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var pmsetPercent = regexp.MustCompile(`(\d+)%`)

// hostPowerSource asks `pmset -g batt`, which says "Now drawing from 'AC Power'" or
// "'Battery Power'" and the charge.
func hostPowerSource() (source string, onBattery bool, percent float64, how string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "pmset", "-g", "batt").Output()
	if err != nil {
		return "unknown", false, 0, "unknown (pmset failed: " + err.Error() + ")"
	}
	s := string(out)
	if m := pmsetPercent.FindStringSubmatch(s); m != nil {
		percent, _ = strconv.ParseFloat(m[1], 64)
	}
	switch {
	case strings.Contains(s, "'Battery Power'"):
		return "battery", true, percent, "pmset -g batt"
	case strings.Contains(s, "'AC Power'"):
		return "ac", false, percent, "pmset -g batt"
	}
	return "unknown", false, 0, "unknown (pmset gave no power source)"
}
