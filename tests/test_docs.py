"""The README stays true: it shows both commands and the generated table reference."""
from extract.schema import markdown

from conftest import ROOT


def test_readme_has_the_two_commands_and_current_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make extract" in readme and "make test" in readme
    assert markdown() in readme, "README table reference is stale: paste `python -m extract schema`"
