/* bcryptprimitives.c: a stand-in for Windows' bcryptprimitives.dll in the Wine prefix of
 * `make dist-windows-check`, never shipped. Go (since 1.24) draws its random numbers from
 * ProcessPrng in bcryptprimitives.dll, which every Windows 10 and 11 has but Wine 8.0 (Debian 12)
 * lacks, so a Go program cannot start there without it. This one fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}
