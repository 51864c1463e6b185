"""Build the installable application: ``python3 installer/dev.py build`` (or ``make installer``).

Steps, each printed with its time:

1. Stage the data the frozen app reads instead of large packages (``build/stage``): the
   demo project already built, the trimmed city table of the basemap, and the Windows
   version resource.
2. Run PyInstaller on ``installer/territory_designer.spec``: a one-folder, windowed
   application in ``dist/TerritoryDesigner`` (``TerritoryDesigner.app`` on macOS).
3. Package it for this system: on Linux ``dist/TerritoryDesigner-VERSION-linux-ARCH.tar.gz``
   with ``install.sh`` (per user, no root), a ``.desktop`` entry, the icon and the
   ``.tdproj`` file type. On Windows run Inno Setup on ``installer/windows/territory_designer.iss``;
   on macOS ``installer/macos/make_dmg.sh`` (both need their own machines).

At the end it prints the build time and the size on disk; ``installer/check_build.py``
then runs the built app's ``--selftest`` in a clean environment.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from territory_designer import __version__  # noqa: E402

APP = "TerritoryDesigner"
SPEC = ROOT / "installer" / "territory_designer.spec"
STAGE = ROOT / "build" / "stage"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
LINUX = ROOT / "installer" / "linux"


def _step(name: str, started: float) -> None:
    print(f"[build] {name}: {time.perf_counter() - started:.1f} s", flush=True)


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path`` (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def windows_version_info(version: str) -> str:
    """The Windows version resource (a PyInstaller ``VSVersionInfo`` text)."""
    nums = [int(p) for p in version.split(".")[:3] if p.isdigit()]
    nums = (nums + [0, 0, 0, 0])[:4]
    tup = tuple(nums)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tup}, prodvers={tup}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'Territory Designer'),
      StringStruct('FileDescription', 'Territory Designer'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', '{APP}'),
      StringStruct('OriginalFilename', '{APP}.exe'),
      StringStruct('ProductName', 'Territory Designer'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def stage(folder: Path = STAGE) -> None:
    """Write the demo project, the city table and the version resource into ``folder``."""
    from territory_designer.io.city_list import CITY_TABLE, write_city_table
    from territory_designer.io.demo import DEMO_FILE, make_demo_project
    from territory_designer.io.project_file import save_project

    folder.mkdir(parents=True, exist_ok=True)
    save_project(make_demo_project(), folder / DEMO_FILE)
    cities = write_city_table(folder / CITY_TABLE)
    (folder / "version_info.txt").write_text(windows_version_info(__version__), encoding="utf-8")
    print(f"[build] staged {DEMO_FILE} and {CITY_TABLE} ({cities:,} cities) in {folder}")


def run_pyinstaller() -> Path:
    """Run PyInstaller on the spec; return the application folder."""
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "TD_BUILD_STAGE": str(STAGE)})
    return DIST / APP


def linux_archive(app_dir: Path) -> Path:
    """``dist/TerritoryDesigner-VERSION-linux-ARCH.tar.gz``: the app plus install files."""
    name = f"{APP}-{__version__}-linux-{platform.machine()}"
    archive = DIST / f"{name}.tar.gz"
    extras = {
        "install.sh": LINUX / "install.sh",
        "uninstall.sh": LINUX / "uninstall.sh",
        "territory-designer.desktop": LINUX / "territory-designer.desktop",
        "territory-designer-mime.xml": LINUX / "territory-designer-mime.xml",
        "territory-designer.png": ROOT / "resources" / "icons" / "territory-designer.png",
        "README.txt": LINUX / "README.txt",
    }

    def executable(info: tarfile.TarInfo) -> tarfile.TarInfo:
        if info.name.endswith(".sh"):
            info.mode = 0o755
        return info

    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"{name}/{APP}")
        for arcname, source in extras.items():
            tar.add(source, arcname=f"{name}/{arcname}", filter=executable)
    return archive


def main(argv: list[str] | None = None) -> int:
    """Stage, build and package; print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-archive", action="store_true", help="skip the tar.gz (Linux)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    t = time.perf_counter()
    stage()
    _step("stage data", t)
    t = time.perf_counter()
    if (DIST / APP).exists():
        shutil.rmtree(DIST / APP)
    app_dir = run_pyinstaller()
    _step("PyInstaller", t)
    size = folder_size(app_dir)
    print(f"[build] application folder: {app_dir} ({size / 1e6:.0f} MB on disk)")
    if sys.platform.startswith("linux") and not args.no_archive:
        t = time.perf_counter()
        archive = linux_archive(app_dir)
        _step("tar.gz", t)
        print(f"[build] archive: {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    elif sys.platform == "win32":
        print("[build] next: iscc installer\\windows\\territory_designer.iss")
    elif sys.platform == "darwin":
        print("[build] next: installer/macos/make_dmg.sh")
    print(f"[build] total build time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
