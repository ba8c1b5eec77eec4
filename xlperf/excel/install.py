"""``xlperf excel install`` / ``uninstall``: put the xlperf add-in where Excel loads it at
start-up, and record which Python runs its buttons.

Where things go is what xlwings' own add-in uses (``xlwings addin install`` copies its
add-in to ``Application.StartupPath``; the custom add-in module reads its settings from
``<PROJECT_NAME>.conf``), computed here without starting Excel:

=========  =====================================================================
Windows    add-in  ``%APPDATA%\\Microsoft\\Excel\\XLSTART\\xlperf.xlam``
           settings ``%USERPROFILE%\\.xlperf\\xlperf.conf``
macOS      add-in  ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
           Startup.localized/Excel/xlperf.xlam``
           settings ``~/Library/Containers/com.microsoft.Excel/Data/xlperf.conf``
           xlwings' AppleScript (lets sandboxed Excel start Python, as ``xlwings runpython
           install`` does) ``~/Library/Application Scripts/com.microsoft.Excel/``
=========  =====================================================================

The settings file is xlperf's own (the add-in's PROJECT_NAME is "xlperf"), so the user's
``xlwings.conf`` is never touched. A file that is not xlperf's is never overwritten or
removed. Everything is checked before anything is written; a write that fails part-way is
undone, so a failed install changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from ..problems import XlperfError
from ..writers.atomic import write_bytes_atomically
from ..writers.xlam import ADDIN_FILE, PROJECT_NAME, build_addin, is_xlperf_addin
from ..writers.xlsm import installed_xlwings, xlwings_folder

#: The first entry of xlperf's settings file: a file without it is not xlperf's.
MARKER_KEY = "XLPERF_CONF"
MARKER = f'"{MARKER_KEY}","written by xlperf excel install; xlperf excel uninstall removes it"'
#: The add-in never adds the analyst's folder to sys.path: a file there named like a module
#: of xlperf must not replace it.
FIXED_SETTINGS = {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}
CHECK_TIMEOUT = 120
MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized",
               "Startup.localized", "Excel")
MAC_SANDBOX = ("Library", "Containers", "com.microsoft.Excel", "Data")
MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")
_CHECK = ("import json, sys\n"
          "out = {'executable': sys.executable}\n"
          "try:\n    import xlperf\n    out['xlperf'] = xlperf.__version__\n"
          "except Exception:\n    out['xlperf'] = None\n"
          "try:\n    import xlwings\n    out['xlwings'] = xlwings.__version__\n"
          "except Exception:\n    out['xlwings'] = None\n"
          "open(sys.argv[1], 'w', encoding='utf-8').write(json.dumps(out))\n")


def current_platform() -> str:
    """"windows", "macos", or the name of a platform Excel does not run on."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux" if sys.platform.startswith("linux") else sys.platform


@dataclass(frozen=True)
class Places:
    """Where the add-in, its settings and (macOS) xlwings' AppleScript go."""

    platform: str
    addin: PurePath
    conf: PurePath
    applescript: PurePath | None = None


def places(platform: str, env: Mapping[str, str], home: PurePath,
           kind: type[PurePath] = Path) -> Places:
    """The paths for ``platform`` given the environment and home folder; ``kind`` is Path
    for this machine, a pure path to show another's."""
    if platform == "windows":
        appdata, profile = env.get("APPDATA"), env.get("USERPROFILE") or str(home)
        if not appdata:
            raise XlperfError("the APPDATA environment variable is not set, so Excel's XLSTART "
                              "folder cannot be found; nothing was changed")
        return Places(platform, kind(appdata, "Microsoft", "Excel", "XLSTART", ADDIN_FILE),
                      kind(profile, f".{PROJECT_NAME}", f"{PROJECT_NAME}.conf"))
    if platform == "macos":
        version = installed_xlwings().__version__
        return Places(platform, kind(home, *MAC_STARTUP, ADDIN_FILE),
                      kind(home, *MAC_SANDBOX, f"{PROJECT_NAME}.conf"),
                      kind(home, *MAC_SCRIPTS, f"xlwings-{version}.applescript"))
    raise XlperfError(not_available(platform))


def portable(python: str, platform: str, env: Mapping[str, str], home: PurePath) -> str:
    """The interpreter path as the add-in's settings hold it: under the user's folders it is
    written with the variable the add-in expands (%LOCALAPPDATA%, %USERPROFILE%, $HOME), so a
    user name with accents never has to pass through VBA's file reading."""
    if platform == "windows":
        path = PureWindowsPath(python)
        for name in ("LOCALAPPDATA", "USERPROFILE"):
            base = env.get(name)
            if base and path.is_relative_to(PureWindowsPath(base)):
                rest = path.relative_to(PureWindowsPath(base))
                return f"%{name}%\\{rest}" if str(rest) != "." else f"%{name}%"
        return python
    posix = PurePosixPath(python)
    if posix.is_relative_to(PurePosixPath(home)):
        return f"$HOME/{posix.relative_to(PurePosixPath(home))}"
    return str(posix)


# -- the Python that runs the add-in ---------------------------------------------------------
def default_python() -> str:
    """This Python (it runs xlperf); on Windows its windowless twin pythonw.exe if present."""
    here = Path(sys.executable)
    if current_platform() == "windows":
        twin = here.with_name("pythonw.exe")
        if twin.exists():
            return str(twin)
    return str(here)


def check_python(python: str, run: Callable[..., object] = subprocess.run) -> dict[str, str]:
    """Check that ``python`` is a Python with xlperf and the xlwings the add-in embeds."""
    wanted = installed_xlwings().__version__
    path = Path(python)
    if not path.is_absolute():
        raise XlperfError(f"--python {python}: give the full path of the Python (python.exe "
                          "or pythonw.exe on Windows, bin/python on macOS); nothing was changed")
    if not path.exists():
        raise XlperfError(f"--python {python}: no such file; nothing was changed")
    if not path.is_file():
        raise XlperfError(f"--python {python}: is a folder, not a Python; nothing was changed")
    if os.name != "nt" and not os.access(path, os.X_OK):
        raise XlperfError(f"--python {python}: is not executable; nothing was changed")
    with tempfile.TemporaryDirectory(prefix="xlperf-check-") as folder:
        report = Path(folder) / "python.json"
        try:
            run([str(path), "-I", "-c", _CHECK, str(report)], capture_output=True,
                timeout=CHECK_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            raise XlperfError(f"--python {python}: could not be run as a Python "
                              f"({exc.__class__.__name__}); nothing was changed") from None
        try:
            found = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise XlperfError(f"--python {python}: is not a Python (it did not run a Python "
                              "command); nothing was changed") from None
    if not found.get("xlperf"):
        raise XlperfError(f"--python {python}: this Python does not have xlperf installed: "
                          f'run "{python}" -m pip install "xlperf[excel]" first; nothing was '
                          "changed")
    if found.get("xlwings") != wanted:
        has = f"xlwings {found['xlwings']}" if found.get("xlwings") else "no xlwings"
        raise XlperfError(f"--python {python}: has {has}, but the add-in's VBA is xlwings "
                          f'{wanted}\'s: run "{python}" -m pip install "xlperf[excel]" (which '
                          f"pins xlwings=={wanted}); nothing was changed")
    return {str(k): str(v) for k, v in found.items()}


# -- xlperf's settings file -------------------------------------------------------------------
_PAIR = re.compile(r'^"([^"]*)","([^"]*)"\s*$')


def is_xlperf_conf(text: str) -> bool:
    return bool(text.splitlines()) and text.splitlines()[0].startswith(f'"{MARKER_KEY}",')


def conf_text(settings: Mapping[str, str], platform: str, previous: str | None = None) -> str:
    """The settings file, as VBA's ``Write #`` writes it (``"key","value"`` lines) and the
    add-in's ``Input #`` reads it; entries of a previous file of xlperf's are kept."""
    lines = [MARKER]
    kept: list[str] = []
    for line in (previous or "").splitlines()[1:]:
        match = _PAIR.match(line)
        if match and match.group(1).upper() in {k.upper() for k in settings}:
            continue
        if line.strip():
            kept.append(line)
    for key, value in settings.items():
        if '"' in value or any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise XlperfError(f"{value!r}: the add-in's settings file cannot hold a double "
                              "quote or a control character; nothing was changed")
        lines.append(f'"{key}","{value}"')
    newline = "\r\n" if platform == "windows" else "\n"
    return newline.join(lines + kept) + newline


def conf_bytes(text: str, platform: str) -> bytes:
    """Windows VBA reads the file in the ANSI code page (1252 in Western Europe)."""
    encoding = "cp1252" if platform == "windows" else "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        raise XlperfError("the Python's path has characters Excel's VBA cannot read from "
                          "the settings file; install Python in a folder with a plain name"
                          ) from None


def read_settings(path: Path) -> dict[str, str]:
    """The ``"key","value"`` entries of a settings file (keys upper-cased, as the add-in's
    GetConfig compares them); empty when there is no file."""
    data = _read(path)
    if data is None:
        return {}
    text = data.decode("cp1252" if current_platform() == "windows" else "utf-8", "replace")
    return {m.group(1).upper(): m.group(2) for m in map(_PAIR.match, text.splitlines()) if m}


def recorded_python() -> tuple[Path, str | None]:
    """The settings file the add-in reads on this machine and the Python recorded there by
    ``xlperf excel install`` (variables expanded), or None (for the Settings button)."""
    platform = current_platform()
    where = places(platform, os.environ, Path.home())
    key = "INTERPRETER_WIN" if platform == "windows" else "INTERPRETER_MAC"
    value = read_settings(Path(where.conf)).get(key)
    if not value:
        return Path(where.conf), None
    if value.startswith("$HOME"):
        value = str(Path.home()) + value[len("$HOME"):]
    return Path(where.conf), os.path.expandvars(value)


# -- the plan ---------------------------------------------------------------------------------
@dataclass
class Plan:
    """What install or uninstall does: lines to show, files to write and to remove."""

    lines: list[str] = field(default_factory=list)
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)
    empty_folders: list[Path] = field(default_factory=list)  # removed if empty afterwards


def _check_folder(path: Path) -> None:
    """The folder of ``path`` (or its nearest existing parent) must be a writable folder."""
    folder = path.parent
    while not folder.exists():
        if folder.parent == folder:
            break
        folder = folder.parent
    if not folder.is_dir():
        raise XlperfError(f"{path}: {folder} is a file, not a folder; nothing was changed")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise XlperfError(f"{path}: folder {folder} is not writable; nothing was changed")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise XlperfError(f"{path}: could not be read ({exc.strerror}); nothing was changed"
                          ) from None


def plan_install(where: Places, python: str, interpreter: str) -> Plan:
    """Check everything and say what installing does (``python`` is the checked path,
    ``interpreter`` the same as the settings file holds it)."""
    plan = Plan()
    addin, conf = Path(where.addin), Path(where.conf)
    if addin.exists() and not is_xlperf_addin(addin):
        raise XlperfError(f"{addin}: already exists and is not xlperf's add-in; xlperf never "
                          "overwrites it (move it elsewhere first); nothing was changed")
    data = build_addin()
    plan.writes.append((addin, data))
    verb = "replace xlperf's add-in" if addin.exists() else "write the add-in"
    plan.lines.append(f"{verb}: {addin} ({len(data):,} bytes; Excel opens it at start-up)")

    previous = _read(conf)
    previous_text = None
    if previous is not None:
        previous_text = previous.decode("cp1252" if where.platform == "windows" else "utf-8",
                                        errors="replace")
        if not is_xlperf_conf(previous_text):
            raise XlperfError(f"{conf}: already exists and is not xlperf's settings file; "
                              "xlperf never overwrites it; nothing was changed")
    key = "INTERPRETER_WIN" if where.platform == "windows" else "INTERPRETER_MAC"
    settings = {key: interpreter, **FIXED_SETTINGS}
    plan.writes.append((conf, conf_bytes(conf_text(settings, where.platform, previous_text),
                                         where.platform)))
    plan.lines.append(f"record the Python that runs it: {conf}: {key} = {interpreter}"
                      + (f" ({python})" if interpreter != python else ""))

    if where.applescript is not None:
        script = Path(where.applescript)
        shipped = (xlwings_folder() / script.name).read_bytes()
        existing = _read(script)
        if existing is None:
            plan.writes.append((script, shipped))
            plan.lines.append(f"let Excel start Python (as 'xlwings runpython install'): "
                              f"copy xlwings' AppleScript to {script}")
        elif existing == shipped:
            plan.lines.append(f"xlwings' AppleScript is already in place: {script}")
        else:
            plan.lines.append(f"leave {script} as it is (it differs from xlwings' own copy and "
                              "is not xlperf's); if buttons fail, run 'xlwings runpython "
                              "install'")
    for path, _ in plan.writes:
        _check_folder(path)
    return plan


def plan_uninstall(where: Places) -> Plan:
    plan = Plan()
    addin, conf = Path(where.addin), Path(where.conf)
    if addin.exists():
        if not is_xlperf_addin(addin):
            raise XlperfError(f"{addin}: is not xlperf's add-in; xlperf never removes it; "
                              "nothing was changed")
        plan.removals.append(addin)
        plan.lines.append(f"remove the add-in: {addin}")
    else:
        plan.lines.append(f"no add-in to remove at {addin}")
    previous = _read(conf)
    if previous is not None:
        if not is_xlperf_conf(previous.decode("utf-8", errors="replace")):
            raise XlperfError(f"{conf}: is not xlperf's settings file; xlperf never removes it; "
                              "nothing was changed")
        plan.removals.append(conf)
        plan.lines.append(f"remove xlperf's settings: {conf}")
        if where.platform == "windows":
            plan.empty_folders.append(conf.parent)
    else:
        plan.lines.append(f"no settings to remove at {conf}")
    if where.applescript is not None:
        plan.lines.append(f"leave xlwings' AppleScript {where.applescript} (it is xlwings', "
                          "and other xlwings workbooks use it)")
    for path in plan.removals:
        _check_folder(path)
    return plan


# -- carrying it out --------------------------------------------------------------------------
def _created_folders(folder: Path) -> list[Path]:
    """The folders ``folder.mkdir(parents=True)`` would create, deepest last."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def carry_out(plan: Plan) -> None:
    """Make the plan's changes; when one fails, undo those made, so nothing changes."""
    write = write_bytes_atomically
    undo: list[Callable[[], object]] = []

    def restore(path: Path, before: bytes) -> Callable[[], object]:
        return lambda: write(before, path)

    try:
        for path, data in plan.writes:
            for folder in _created_folders(path.parent):
                folder.mkdir()
                undo.append(folder.rmdir)
            before = path.read_bytes() if path.exists() else None
            write(data, path)
            undo.append(restore(path, before) if before is not None else path.unlink)
        for path in plan.removals:
            before = path.read_bytes()
            path.unlink()
            undo.append(restore(path, before))
    except (OSError, XlperfError) as exc:
        for step in reversed(undo):
            with contextlib.suppress(OSError, XlperfError):  # best effort, step by step
                step()
        if isinstance(exc, OSError):
            what = f"{exc.filename}: could not be changed ({exc.strerror or exc})"
        else:
            what = str(exc).removesuffix("; nothing was changed")
        raise XlperfError(f"{what}. If Excel is running, quit it and try again; nothing was "
                          "changed") from None
    for folder in plan.empty_folders:
        with contextlib.suppress(OSError):  # not empty: the user keeps something there
            folder.rmdir()


def not_available(platform: str, command: str = "install") -> str:
    name = {"linux": "Linux"}.get(platform, platform)
    return (f"Excel is not available on {name}: 'xlperf excel {command}' works on Excel's "
            "start-up folder on Windows or macOS, so run it on the analyst's PC. "
            "'--dry-run' shows here what it would do there.")


def preview(platform: str, python: str | None, command: str = "install") -> Plan:
    """A dry run where Excel does not run: what install (or uninstall) would do on Windows
    and on macOS, with the user's folders as variables (nothing here is checked)."""
    plan = Plan()
    data = build_addin() if command == "install" else b""
    name = {"linux": "Linux"}.get(platform, platform)
    plan.lines.append(f"Excel is not available on {name}; on the analyst's PC "
                      f"'xlperf excel {command}' would:")
    env = {"APPDATA": "%APPDATA%", "USERPROFILE": "%USERPROFILE%"}
    shapes: list[tuple[str, PurePath, type[PurePath]]] = [
        ("windows", PureWindowsPath("%USERPROFILE%"), PureWindowsPath),
        ("macos", PurePosixPath("~"), PurePosixPath)]
    for target, home, kind in shapes:
        where = places(target, env, home, kind)
        plan.lines.append(f"on {'Windows' if target == 'windows' else 'macOS'}:")
        if command != "install":
            plan.lines.append(f"  remove the add-in {where.addin} and the settings {where.conf}, "
                              "if xlperf wrote them")
            continue
        shown = python or ("the Python that runs 'xlperf excel install' there"
                           + (" (pythonw.exe)" if target == "windows" else ""))
        key = "INTERPRETER_WIN" if target == "windows" else "INTERPRETER_MAC"
        plan.lines.append(f"  write the add-in: {where.addin} ({len(data):,} bytes)")
        plan.lines.append(f"  record the Python that runs it: {where.conf}: {key} = {shown}")
        if where.applescript is not None:
            plan.lines.append(f"  copy xlwings' AppleScript to {where.applescript}")
    return plan
