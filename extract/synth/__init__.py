"""Synthetic reports in the official layouts, for fixtures and benchmarks (not for analysis)."""
from .render import WRITERS, render
from .spec import ReportSpec, random_spec

__all__ = ["ReportSpec", "random_spec", "render", "WRITERS"]
