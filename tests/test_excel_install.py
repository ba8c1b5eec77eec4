"""``xlperf excel install`` / ``uninstall``: the add-in goes where xlwings' own add-in goes,
the Python is recorded in xlperf's own settings file, a file that is not xlperf's is never
touched, and bad input changes nothing.

Excel does not run here: the Windows and macOS cases run with the platform set and the
user's folders (APPDATA, USERPROFILE, HOME) in tmp_path."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from click.testing import CliRunner

from xlperf.cli import main
from xlperf.excel import install as setup
from xlperf.writers import xlam

# xlwings is located, not imported, here: importing it before tests/test_excel.py sets its
# licence variable would leave that file without xlwings' remote engine.
XLWINGS = Path(str(importlib.util.find_spec("xlwings").origin)).parent  # type: ignore[union-attr]
XLWINGS_VERSION = importlib.metadata.version("xlwings")
#: How VBA's ``Input #`` reads a line the add-in's GetConfigFromFile reads: "key","value".
PAIR = re.compile(r'^"([^"]*)","([^"]*)"$')


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(root.rglob("*"))}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["excel", *args])


@pytest.fixture
def windows(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A Windows user's folders in tmp_path."""
    home = tmp_path / "Users" / "analyst"
    appdata, local = home / "AppData" / "Roaming", home / "AppData" / "Local"
    appdata.mkdir(parents=True)
    local.mkdir(parents=True)
    monkeypatch.setattr(setup, "current_platform", lambda: "windows")
    monkeypatch.setenv("APPDATA", str(appdata))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def macos(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    home = tmp_path / "Users" / "analyst"
    home.mkdir(parents=True)
    monkeypatch.setattr(setup, "current_platform", lambda: "macos")
    monkeypatch.setenv("HOME", str(home))
    return home


def settings(path: Path, encoding: str = "cp1252") -> dict[str, str]:
    data = path.read_bytes().decode(encoding)
    pairs = {}
    for line in data.splitlines():
        match = PAIR.match(line)
        assert match, line  # every line is one VBA Input # record
        pairs[match.group(1)] = match.group(2)
    return pairs


# -- where things go ---------------------------------------------------------------------------
@pytest.mark.slow
def test_windows_install_puts_the_add_in_in_xlstart_and_records_this_python(windows):
    result = invoke("install")
    assert result.exit_code == 0, result.output
    addin = windows / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "xlperf.xlam"
    assert addin.read_bytes() == xlam.build_addin()
    conf = windows / ".xlperf" / "xlperf.conf"  # the custom add-in's %USERPROFILE%\.xlperf
    assert b"\r\n" in conf.read_bytes() and conf.read_bytes().count(b"\n") == 3
    assert settings(conf) == {
        "XLPERF_CONF": "written by xlperf excel install; xlperf excel uninstall removes it",
        "INTERPRETER_WIN": sys.executable, "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    assert "Restart Excel" in result.output and str(addin) in result.output
    assert not (windows / ".xlwings").exists()  # the user's xlwings settings: untouched
    assert "LICENSE" not in conf.read_text("cp1252").upper()  # never a licence for the user

    # installing again replaces xlperf's own files and keeps what the user added
    with conf.open("ab") as handle:
        handle.write(b'"SHOW CONSOLE","True"\r\n')
    assert invoke("install").exit_code == 0
    assert settings(conf)["SHOW CONSOLE"] == "True"
    assert settings(conf)["INTERPRETER_WIN"] == sys.executable

    assert setup.recorded_python() == (conf, sys.executable)
    result = invoke("uninstall")
    assert result.exit_code == 0, result.output
    assert setup.recorded_python() == (conf, None)
    assert not addin.exists() and not conf.exists() and not conf.parent.exists()
    assert addin.parent.is_dir()  # XLSTART is Excel's folder: it stays
    result = invoke("uninstall")
    assert result.exit_code == 0 and "no add-in to remove" in result.output


@pytest.mark.slow
def test_macos_install_uses_excels_startup_folder_sandbox_settings_and_applescript(macos):
    result = invoke("install")
    assert result.exit_code == 0, result.output
    addin = macos.joinpath("Library", "Group Containers", "UBF8T346G9.Office",
                           "User Content.localized", "Startup.localized", "Excel", "xlperf.xlam")
    assert addin.read_bytes() == xlam.build_addin()
    # beside xlwings' own user settings (xlwings.USER_CONFIG_FILE on macOS), not in them
    sandbox = macos.joinpath("Library", "Containers", "com.microsoft.Excel", "Data")
    assert settings(sandbox / "xlperf.conf", "utf-8")["INTERPRETER_MAC"] == sys.executable
    assert setup.recorded_python() == (sandbox / "xlperf.conf", sys.executable)
    assert b"\r" not in (sandbox / "xlperf.conf").read_bytes()
    script = macos.joinpath("Library", "Application Scripts", "com.microsoft.Excel",
                            f"xlwings-{XLWINGS_VERSION}.applescript")
    assert script.read_bytes() == (XLWINGS / script.name).read_bytes()
    assert invoke("install").exit_code == 0  # again: nothing to refuse
    result = invoke("uninstall")
    assert result.exit_code == 0, result.output
    assert not addin.exists() and not (sandbox / "xlperf.conf").exists()
    assert script.exists()  # xlwings' file, shared with other xlwings workbooks


def test_the_interpreter_is_written_with_the_variables_the_add_in_expands():
    env = {"LOCALAPPDATA": r"C:\Users\José\AppData\Local", "USERPROFILE": r"C:\Users\José"}
    home = PureWindowsPath(r"C:\Users\José")
    assert setup.portable(r"C:\Users\José\AppData\Local\xlperf\venv\Scripts\pythonw.exe",
                          "windows", env, home) == r"%LOCALAPPDATA%\xlperf\venv\Scripts\pythonw.exe"
    assert setup.portable(r"C:\Users\José\py\python.exe", "windows", env, home) == \
        r"%USERPROFILE%\py\python.exe"
    assert setup.portable(r"D:\Python311\python.exe", "windows", env, home) == \
        r"D:\Python311\python.exe"
    mac_home = PurePosixPath("/Users/josé")
    assert setup.portable("/Users/josé/xlperf/venv/bin/python", "macos", {}, mac_home) == \
        "$HOME/xlperf/venv/bin/python"
    assert setup.portable("/opt/homebrew/bin/python3", "macos", {}, mac_home) == \
        "/opt/homebrew/bin/python3"


@pytest.mark.slow
def test_dry_run_changes_nothing(windows):
    before = tree(windows)
    result = invoke("install", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing changed" in result.output and "XLSTART" in result.output
    assert tree(windows) == before
    assert invoke("install").exit_code == 0
    installed = tree(windows)
    result = invoke("uninstall", "--dry-run")
    assert result.exit_code == 0 and "remove the add-in" in result.output
    assert tree(windows) == installed


def test_linux_says_excel_is_not_there_and_dry_run_shows_both_platforms(tmp_path, monkeypatch):
    monkeypatch.setattr(setup, "current_platform", lambda: "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    for command in ("install", "uninstall"):
        result = invoke(command)
        assert result.exit_code == 1
        assert "Excel is not available on Linux" in result.output
        assert "Traceback" not in result.output
    result = invoke("install", "--dry-run")
    assert result.exit_code == 0, result.output
    assert r"%APPDATA%\Microsoft\Excel\XLSTART\xlperf.xlam" in result.output
    assert r"%USERPROFILE%\.xlperf\xlperf.conf" in result.output
    assert "~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/" \
           "Startup.localized/Excel/xlperf.xlam" in result.output
    assert list(tmp_path.iterdir()) == []


# -- never a file that is not xlperf's ---------------------------------------------------------
@pytest.mark.slow
def test_a_foreign_add_in_or_settings_file_is_never_overwritten_or_removed(windows):
    xlstart = windows / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    foreign = xlstart / "xlperf.xlam"
    shutil.copyfile(XLWINGS / "quickstart_addin_ribbon.xlam", foreign)
    before = tree(windows)
    for command in ("install", "uninstall"):
        result = invoke(command)
        assert result.exit_code == 1
        assert "is not xlperf's add-in" in result.output and "nothing was changed" in result.output
        assert tree(windows) == before
    foreign.unlink()
    conf = windows / ".xlperf" / "xlperf.conf"
    conf.parent.mkdir()
    conf.write_bytes(b'"INTERPRETER_WIN","C:\\mine\\python.exe"\r\n')
    before = tree(windows)
    result = invoke("install")
    assert result.exit_code == 1 and "is not xlperf's settings file" in result.output
    assert tree(windows) == before
    result = invoke("uninstall")
    assert result.exit_code == 1 and tree(windows) == before


# -- bad input: the Python, the folders ----------------------------------------------------------
def fake_python(folder: Path, report: str) -> Path:
    """An executable that answers the check as a Python would, with ``report``."""
    path = folder / f"python{len(list(folder.iterdir()))}"
    path.write_text(f"#!/bin/sh\nprintf '%s' '{report}' > \"$4\"\n", "utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.skipif(os.name == "nt", reason="fake interpreters are shell scripts")
def test_a_missing_or_wrong_python_is_refused_and_nothing_changes(windows, tmp_path):
    before = tree(windows)
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "script"
    script.write_text("#!/bin/sh\nexit 0\n", "utf-8")
    script.chmod(0o755)
    plain = folder / "plain.txt"
    plain.write_text("not a program", "utf-8")
    cases = [
        (str(tmp_path / "nowhere" / "python"), "no such file"),
        ("python", "give the full path"),
        (str(folder), "is a folder"),
        (str(plain), "is not executable"),
        (str(script), "is not a Python"),
        (str(fake_python(folder, '{"xlperf": null, "xlwings": null}')),
         "does not have xlperf installed"),
    ]
    cases.append((str(fake_python(folder, '{"xlperf": "0.1.0", "xlwings": "0.30.0"}')),
                  f"has xlwings 0.30.0, but the add-in's VBA is xlwings {XLWINGS_VERSION}'s"))
    cases.append((str(fake_python(folder, '{"xlperf": "0.1.0", "xlwings": null}')),
                  "has no xlwings"))
    odd = tmp_path / 'my "python"'
    odd.mkdir()
    cases.append((str(fake_python(odd, f'{{"xlperf": "0.1.0", "xlwings": "{XLWINGS_VERSION}"}}')),
                  "cannot hold a double quote or a control character"))
    for python, message in cases:
        result = invoke("install", "--python", python)
        assert result.exit_code == 1, (python, result.output)
        assert message in result.output, (python, result.output)
        assert "nothing was changed" in result.output and "Traceback" not in result.output
        assert tree(windows) == before


def test_a_python_without_xlperf_is_refused(windows):
    base = getattr(sys, "_base_executable", sys.executable)
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment: no Python without xlperf")
    before = tree(windows)
    result = invoke("install", "--python", base)
    assert result.exit_code == 1 and "does not have xlperf installed" in result.output
    assert tree(windows) == before


@pytest.mark.slow
def test_a_folder_that_cannot_be_written_changes_nothing(windows):
    excel = windows / "AppData" / "Roaming" / "Microsoft" / "Excel"
    excel.parent.mkdir(parents=True)
    excel.write_text("a file where Excel's folder should be", "utf-8")
    before = tree(windows)
    result = invoke("install")
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.output and "nothing was changed" in result.output
    assert tree(windows) == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="permissions do not stop root (or need ACLs on Windows)")
def test_a_read_only_xlstart_changes_nothing(windows):
    xlstart = windows / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    xlstart.chmod(0o555)
    try:
        before = tree(windows)
        result = invoke("install")
        assert result.exit_code == 1 and "is not writable" in result.output
        assert tree(windows) == before
    finally:
        xlstart.chmod(0o755)


@pytest.mark.slow
def test_a_write_that_fails_part_way_is_undone(windows, monkeypatch):
    """The settings file cannot be written after the add-in was: the add-in written is
    removed, the folders made are removed, an add-in that was there is put back."""
    xlstart = windows / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    real = setup.write_bytes_atomically

    def failing(data: bytes, path: Path) -> Path:
        if path.name == "xlperf.conf":
            raise OSError(28, "No space left on device", str(path))
        return real(data, path)

    monkeypatch.setattr(setup, "write_bytes_atomically", failing)
    before = tree(windows)
    result = invoke("install")
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "nothing was changed" in result.output
    assert tree(windows) == before

    xlstart.mkdir(parents=True)
    with zipfile.ZipFile(xlstart / "xlperf.xlam", "w") as older:  # an older add-in of xlperf's
        older.writestr(xlam.RIBBON_PART, f'<customUI><tab id="{xlam.TAB_ID}"/></customUI>')
    assert xlam.is_xlperf_addin(xlstart / "xlperf.xlam")
    before = tree(windows)
    result = invoke("install")
    assert result.exit_code == 1 and tree(windows) == before
