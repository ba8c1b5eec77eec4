"""The README's quick start, CI and the generated docs stay true."""

import re
from pathlib import Path

from xlperf.schema.doc import markdown

ROOT = Path(__file__).resolve().parent.parent


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = _quick_start()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == commands[1]
    assert "libreoffice-calc" in "\n".join(ci)
    checks = [i for i, line in enumerate(ci) if line.startswith((".venv/bin/ruff check",
                                                                 ".venv/bin/mypy --strict"))]
    assert [ci[i].split()[0] for i in checks] == [".venv/bin/ruff", ".venv/bin/mypy"]
    assert "RUF100" in ci[checks[0]] and ci[checks[1]].endswith("xlperf")
    assert "set -euo pipefail" in ci  # either check failing stops the run before the tests


def test_quick_start_names_files_that_exist():
    first = _quick_start()[0]
    for path in re.findall(r"(scripts/\S+\.py|xlperf/assets/\S+\.xlsx)", first):
        assert (ROOT / path).exists(), path


def test_input_workbook_doc_is_generated_from_the_schema():
    assert (ROOT / "docs" / "input-workbook.md").read_text(encoding="utf-8") == markdown()
