"""The direction of dependency: tui → evidence → hypotheses, and a CLI that starts fast."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return set(out.stdout.split())


def test_hypotheses_is_pure() -> None:
    mods = _modules_after(
        "import hypotheses.models, hypotheses.scoring, hypotheses.summary, hypotheses.report, "
        "hypotheses.render_markdown, hypotheses.render_html, hypotheses.render_csv, hypotheses.validation"
    )
    assert not {m for m in mods if m.split(".")[0] in ("evidence", "tui", "textual", "tinydb", "filelock")}


def test_evidence_never_imports_the_tui() -> None:
    mods = _modules_after(
        "import evidence.store, evidence.seed, evidence.export, evidence.importing, evidence.case_file"
    )
    assert not {m for m in mods if m.split(".")[0] in ("tui", "textual")}


def test_cli_commands_do_not_import_textual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\nfrom tui.cli import main\n"
        f"main(['export', '--db', {str(tmp_path / 'd.json')!r}, '--format', 'json', '-o', {str(tmp_path / 'x.json')!r}])\n"
        f"main(['cases', '--db', {str(tmp_path / 'd.json')!r}])\n"
    )
    mods = _modules_after(code)
    assert "tui.cli" in mods
    assert not {m for m in mods if m.split(".")[0] == "textual"}
