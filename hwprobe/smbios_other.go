//go:build !windows

package hwprobe

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// readSMBIOS returns the raw SMBIOS structure table from Linux sysfs.
func readSMBIOS(opts Options) ([]byte, string, error) {
	if runtime.GOOS == "darwin" && opts.isHost() {
		return nil, "", errors.New("macOS does not expose memory module speeds to programs")
	}
	p := opts.path("/sys/firmware/dmi/tables/DMI")
	b, err := os.ReadFile(p)
	switch {
	case errors.Is(err, os.ErrPermission):
		return nil, "", fmt.Errorf("%s is readable by root only", p)
	case errors.Is(err, os.ErrNotExist):
		return nil, "", fmt.Errorf("no SMBIOS table at %s (virtual machine or firmware without DMI)", p)
	case err != nil:
		return nil, "", err
	}
	return b, "DMI/SMBIOS (" + p + ")", nil
}
