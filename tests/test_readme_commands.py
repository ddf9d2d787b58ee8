"""Every command of the README's "Using it" section runs as written (in a scratch folder holding the
repository's data/ and an empty out/), so the README cannot drift from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1].split("\n## ", 1)[0]
    out: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            cmd = line.split("  #", 1)[0].strip()
            if cmd:
                out.append(cmd)
    return out


COMMANDS = _commands()


def test_the_section_has_the_commands() -> None:
    assert len(COMMANDS) >= 15 and COMMANDS[0] == "mkdir -p out"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("readme")
    (d / "data").symlink_to(ROOT / "data")
    (d / ".venv").mkdir()
    (d / ".venv" / "bin").symlink_to(BIN)
    return d


@pytest.mark.parametrize("cmd", COMMANDS)
def test_readme_command_runs(cmd: str, scratch: Path) -> None:
    env = {**os.environ, "DATAVAL_DB_URL": f"sqlite:///{scratch}/register.db"}
    r = subprocess.run(["bash", "-c", cmd], cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{cmd}\n{r.stderr[-2000:]}"
