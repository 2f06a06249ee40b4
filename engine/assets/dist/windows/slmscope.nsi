; slmscope.nsi: the Windows installer (NSIS 3). windows-dist.sh passes VERSION, SRC (the staged
; portable folder) and OUTFILE with -D. A per-user install: no administrator rights, the program in
; %LOCALAPPDATA%\Programs\slmscope, a Start-menu entry, and an uninstaller listed in Apps.
; "Uninstall.exe /S" removes everything the installer wrote; "/PURGE" also removes the user's
; data (%LOCALAPPDATA%\slmscope: twins and caches; %APPDATA%\slmscope: progress and settings).
Unicode true
; 64-bit stubs: slmscope is x64 only, and Wine without its 32-bit part (wine32) runs only these.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true
Name "slmscope ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\slmscope"
Icon "${SRC}\icon.ico"
UninstallIcon "${SRC}\icon.ico"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "slmscope"
VIAddVersionKey "FileDescription" "slmscope installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "slmscope authors; llama.cpp, libffi and fonts under their own licenses (runtime folder)"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\slmscope"
!define MUI_ICON "${SRC}\icon.ico"
!define MUI_UNICON "${SRC}\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\slmscope.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "slmscope"
  SetOutPath "$INSTDIR"
  File /r "${SRC}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateShortcut "$SMPROGRAMS\slmscope.lnk" "$INSTDIR\slmscope.exe" "" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "slmscope"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\slmscope.lnk"
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\slmscope.exe"
  Delete "$INSTDIR\libffi-8.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\INSTALL.txt"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  RMDir "$LOCALAPPDATA\Programs"
  DeleteRegKey HKCU "${UNINSTKEY}"
  ${un.GetParameters} $R0
  ClearErrors
  ${un.GetOptions} $R0 "/PURGE" $R1
  IfErrors done
    RMDir /r "$LOCALAPPDATA\slmscope"
    RMDir /r "$APPDATA\slmscope"
  done:
SectionEnd
