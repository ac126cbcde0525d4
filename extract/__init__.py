"""Turn China's government information disclosure annual reports into tidy datasets.

    from extract import run, load
    run(["corpus"], "outputs")        # python -m extract run corpus --out outputs
    out = load("outputs")             # typed DataFrames: out.reports, out.facts, out.checks, out.sections, out.panel
"""
__version__ = "0.3.0"


def __getattr__(name):  # imported on first use, so that a worker process stays light
    if name == "run":
        from .api import run

        return run
    if name == "load":
        from .loading import load

        return load
    raise AttributeError(name)


__all__ = ["run", "load", "__version__"]
