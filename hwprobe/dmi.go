package hwprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// memoryModule is one populated SMBIOS type 17 (Memory Device) entry.
type memoryModule struct {
	Locator   string
	Type      string // DDR4, DDR5, LPDDR5, ...
	SizeBytes uint64
	DataWidth int // bits
	SpeedMTs  int // configured speed when given, else the rated speed
}

// smbiosMemoryTypes names SMBIOS 3.x memory type codes (offset 0x12 of type 17).
var smbiosMemoryTypes = map[byte]string{
	0x12: "DDR", 0x13: "DDR2", 0x18: "DDR3", 0x1A: "DDR4", 0x1B: "LPDDR", 0x1C: "LPDDR2",
	0x1D: "LPDDR3", 0x1E: "LPDDR4", 0x20: "HBM", 0x21: "HBM2", 0x22: "DDR5", 0x23: "LPDDR5", 0x24: "HBM3",
}

// parseSMBIOSMemory walks a raw SMBIOS structure table (as in /sys/firmware/dmi/tables/DMI)
// and returns the populated memory devices.
func parseSMBIOSMemory(table []byte) ([]memoryModule, error) {
	var mods []memoryModule
	for off := 0; off+4 <= len(table); {
		typ, length := table[off], int(table[off+1])
		if length < 4 || off+length > len(table) {
			return mods, fmt.Errorf("SMBIOS table is truncated or corrupt at byte %d", off)
		}
		formatted := table[off : off+length]
		// The string set follows the formatted area and ends with two zero bytes.
		end := off + length
		for end+1 < len(table) && (table[end] != 0 || table[end+1] != 0) {
			end++
		}
		if end+1 >= len(table) {
			return mods, fmt.Errorf("SMBIOS structure at byte %d has no string terminator", off)
		}
		stringsArea := table[off+length : end]
		if typ == 127 { // end of table
			break
		}
		if typ == 17 && length >= 0x17 {
			if m, ok := parseMemoryDevice(formatted, stringsArea); ok {
				mods = append(mods, m)
			}
		}
		off = end + 2
	}
	return mods, nil
}

func parseMemoryDevice(f, strs []byte) (memoryModule, bool) {
	le := binary.LittleEndian
	size := uint64(le.Uint16(f[0x0C:]))
	if size == 0 || size == 0xFFFF {
		return memoryModule{}, false // empty slot or unknown size
	}
	switch {
	case size == 0x7FFF && len(f) >= 0x20:
		size = uint64(le.Uint32(f[0x1C:])&0x7FFFFFFF) << 20
	case size&0x8000 != 0:
		size = (size & 0x7FFF) << 10
	default:
		size <<= 20
	}
	m := memoryModule{SizeBytes: size, DataWidth: int(le.Uint16(f[0x0A:])), Type: smbiosMemoryTypes[f[0x12]]}
	if m.DataWidth == 0xFFFF {
		m.DataWidth = 0
	}
	speed := int(le.Uint16(f[0x15:]))
	if speed == 0xFFFF && len(f) >= 0x58 {
		speed = int(le.Uint32(f[0x54:]))
	}
	if len(f) >= 0x22 {
		if cs := int(le.Uint16(f[0x20:])); cs != 0 && cs != 0xFFFF {
			speed = cs
		} else if cs == 0xFFFF && len(f) >= 0x5C {
			speed = int(le.Uint32(f[0x58:]))
		}
	}
	m.SpeedMTs = speed
	m.Locator = smbiosString(strs, f[0x10])
	return m, true
}

// smbiosString returns the n-th (1-based) string of a structure's string set.
func smbiosString(area []byte, n byte) string {
	if n == 0 {
		return ""
	}
	parts := strings.Split(string(area), "\x00")
	if int(n) > len(parts) {
		return ""
	}
	return strings.TrimSpace(parts[n-1])
}

// moduleBandwidth is the theoretical peak of the populated modules: speed (MT/s) × data
// width / 8, summed, which assumes each module sits on its own memory channel.
func moduleBandwidth(mods []memoryModule) (float64, string, error) {
	var total float64
	desc := map[string]int{}
	for _, m := range mods {
		if m.SpeedMTs == 0 || m.DataWidth == 0 {
			return 0, "", fmt.Errorf("module %q reports no speed or width", m.Locator)
		}
		total += float64(m.SpeedMTs) * float64(m.DataWidth) / 8 / 1000
		t := m.Type
		if t == "" {
			t = "RAM"
		}
		desc[fmt.Sprintf("%s-%d %d-bit", t, m.SpeedMTs, m.DataWidth)]++
	}
	if len(mods) == 0 {
		return 0, "", errors.New("no populated memory modules listed")
	}
	var parts []string
	for k, n := range desc {
		parts = append(parts, fmt.Sprintf("%d × %s", n, k))
	}
	sort.Strings(parts)
	return total, strings.Join(parts, ", "), nil
}

// theoreticalCPUBandwidth reads SMBIOS memory devices; the string says where the figure came
// from or, when it is 0, why it is unknown.
func theoreticalCPUBandwidth(opts Options) (float64, string) {
	table, where, err := readSMBIOS(opts)
	if err != nil {
		return 0, "unknown (" + err.Error() + ")"
	}
	mods, err := parseSMBIOSMemory(table)
	if err != nil && len(mods) == 0 {
		return 0, "unknown (" + err.Error() + ")"
	}
	gbps, desc, err := moduleBandwidth(mods)
	if err != nil {
		return 0, fmt.Sprintf("unknown (%s: %v)", where, err)
	}
	return gbps, fmt.Sprintf("%s type 17: %s (assumes one module per channel)", where, desc)
}
