//go:build windows

package hwprobe

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"
)

var procGetSystemFirmwareTable = syscall.NewLazyDLL("kernel32.dll").NewProc("GetSystemFirmwareTable")

// readSMBIOS returns the raw SMBIOS structure table through GetSystemFirmwareTable('RSMB').
func readSMBIOS(opts Options) ([]byte, string, error) {
	if !opts.isHost() {
		return nil, "", errors.New("SMBIOS fixtures are not read on Windows")
	}
	if err := procGetSystemFirmwareTable.Find(); err != nil {
		return nil, "", fmt.Errorf("GetSystemFirmwareTable is missing: %w", err)
	}
	const rsmb = 'R'<<24 | 'S'<<16 | 'M'<<8 | 'B'
	n, _, _ := procGetSystemFirmwareTable.Call(rsmb, 0, 0, 0)
	if n == 0 {
		return nil, "", errors.New("no SMBIOS table from Windows")
	}
	buf := make([]byte, n)
	got, _, callErr := procGetSystemFirmwareTable.Call(rsmb, 0, uintptr(unsafe.Pointer(&buf[0])), n)
	if got == 0 || got > n {
		return nil, "", fmt.Errorf("GetSystemFirmwareTable failed: %v", callErr)
	}
	// RawSMBIOSData: 4 version bytes, a 32-bit length, then the table.
	if got < 8 {
		return nil, "", errors.New("SMBIOS data is too short")
	}
	length := uint32(buf[4]) | uint32(buf[5])<<8 | uint32(buf[6])<<16 | uint32(buf[7])<<24
	if uint64(length)+8 > uint64(got) {
		return nil, "", errors.New("SMBIOS data length is larger than the buffer")
	}
	return buf[8 : 8+length], "SMBIOS (GetSystemFirmwareTable)", nil
}
