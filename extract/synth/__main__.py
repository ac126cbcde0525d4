"""``python -m extract.synth OUTDIR (--truth CSV | --seed N) [--forms txt,md,…]``: render one report
in every form (see ``fixtures``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .fixtures import FORMS, available_forms, render_all, spec_from_truth
from .spec import random_spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.synth",
                                     description="Render one report in the official layout in every form.")
    parser.add_argument("outdir", type=Path)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--truth", type=Path, help="a truth file <stem>.csv (reports.csv next to it gives the metadata)")
    source.add_argument("--seed", type=int, help="a random report whose tables add up, from this seed")
    parser.add_argument("--template", choices=["2019", "2021"], help="with --seed: the national format")
    parser.add_argument("--forms", help=f"comma-separated, from {', '.join(FORMS)} (default: all this machine can render)")
    args = parser.parse_args(argv)
    spec = spec_from_truth(args.truth) if args.truth else random_spec(args.seed, args.template)
    stem = args.truth.stem if args.truth else f"synth-{args.seed}"
    forms = args.forms.split(",") if args.forms else available_forms()
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        parser.error(f"unknown form(s): {', '.join(unknown)}")
    for form, path in render_all(spec, args.outdir, stem, forms).items():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
