; Inno Setup script: a per-user installer for Territory Designer on Windows.
; Build the application first on a Windows machine:
;     py -3.11 installer\dev.py build
; then compile this script with Inno Setup 6 (https://jrsoftware.org/isinfo.php):
;     iscc installer\windows\territory_designer.iss
; The result, dist\TerritoryDesigner-VERSION-setup.exe, installs without administrator
; rights into %LOCALAPPDATA%\Programs\Territory Designer, adds a Start-menu entry and
; associates .tdproj files for the current user. It never uses the network.

#define AppName "Territory Designer"
#define AppExe "TerritoryDesigner.exe"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + "..\..\dist\TerritoryDesigner\" + AppExe)
#endif

[Setup]
AppId={{6C1B5F8E-3D0A-4C59-9E2B-7A1D5C3E9F40}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Territory Designer
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user, no administrator rights: {autopf} is %LOCALAPPDATA%\Programs and the file
; association goes to HKEY_CURRENT_USER.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=TerritoryDesigner-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\territory-designer.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\TerritoryDesigner\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .tdproj -> Territory Designer, for this user (HKA = HKCU when installed per user).
Root: HKA; Subkey: "Software\Classes\.tdproj"; ValueType: string; ValueName: ""; ValueData: "TerritoryDesigner.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\TerritoryDesigner.Project"; ValueType: string; ValueName: ""; ValueData: "Territory Designer project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\TerritoryDesigner.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\TerritoryDesigner.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
