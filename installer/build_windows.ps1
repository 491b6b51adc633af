# Build the Windows installer: the one-folder app (dist\cnn-classroom) and an Inno Setup wizard
# (dist\installer\cnn-classroom-<version>-windows-setup.exe).
#
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1 -NoSetup   # the folder only
#
# Needs: the project installed with the installer extra (.venv\Scripts\python -m pip install -e ".[installer]"),
# Inno Setup 6 (free; https://jrsoftware.org, or `choco install innosetup`), and the CJK font to ship:
# set CNN_CLASSROOM_CJK_FONT to NotoSansCJK-Regular.ttc or put it in installer\fonts\.
# Optional signing: WINDOWS_SIGN_PFX (a .pfx file) and WINDOWS_SIGN_PASSWORD sign both executables
# and the setup with signtool from the Windows SDK.
param(
    [string]$Python = ".venv\Scripts\python.exe",
    [switch]$NoSetup
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
$started = Get-Date

& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installer\cnn-classroom.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed with exit code $LASTEXITCODE" }
$bundle = Join-Path $PWD "dist\cnn-classroom"

function Invoke-Sign([string]$Path) {
    if (-not $env:WINDOWS_SIGN_PFX) { return }
    $signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" | Sort-Object FullName | Select-Object -Last 1
    & $signtool.FullName sign /f $env:WINDOWS_SIGN_PFX /p $env:WINDOWS_SIGN_PASSWORD /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 $Path
    if ($LASTEXITCODE -ne 0) { throw "signing $Path failed" }
}
Invoke-Sign (Join-Path $bundle "CNN Classroom.exe")
Invoke-Sign (Join-Path $bundle "cnn-classroom.exe")

if ($NoSetup) {
    Write-Host "bundle: $bundle"
    exit 0
}

$version = & $Python -c "import sys; sys.path.insert(0, 'installer'); import bundle_spec; print(bundle_spec.version())"
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue | Select-Object -First 1).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "Inno Setup 6 is not installed (choco install innosetup, or https://jrsoftware.org)" }

$output = Join-Path $PWD "dist\installer"
& $iscc "/DAppVersion=$version" "/DBundleDir=$bundle" "/DOutputDir=$output" installer\windows\cnn-classroom.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed with exit code $LASTEXITCODE" }
$setup = Join-Path $output "cnn-classroom-$version-windows-setup.exe"
Invoke-Sign $setup
Write-Host ("setup: {0} ({1:N0} MB), built in {2:N0} s" -f $setup, ((Get-Item $setup).Length / 1MB), ((Get-Date) - $started).TotalSeconds)
