"""docs/python.md's worked example runs as written: its python blocks, in order, in a fresh
folder, in one namespace."""

import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "python.md"


def test_the_worked_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"{DOC.name} block {i + 1}", "exec"), namespace)
    assert (tmp_path / "covariance.png").stat().st_size > 10000
    assert namespace["cov"].shape == (3, 99, 99)
    # Keep the figure for the docs when asked (SPECRES_DOCS_FIGURE=path).
    if os.environ.get("SPECRES_DOCS_FIGURE"):
        Path(os.environ["SPECRES_DOCS_FIGURE"]).write_bytes((tmp_path / "covariance.png")
                                                             .read_bytes())
