"""Replace the README's generated table reference (between the schema markers) with ``extract schema``."""
from pathlib import Path

from extract.schema import markdown

readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text(encoding="utf-8")
start, end = "<!-- schema:start -->", "<!-- schema:end -->"
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
readme.write_text(f"{head}{start}\n{markdown()}\n{end}{tail}", encoding="utf-8")
