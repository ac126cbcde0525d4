"""Importing the libraries a worker needs without what they do not.

jieba and cpca import ``pkg_resources`` (setuptools) only to open data files inside their own
packages; importing it scans every installed distribution (~0.1 s of a worker's start, more with
many packages). ``light_pkg_resources`` lends them, while they are imported, a stand-in that opens
such a file the same way (the file next to the named module or inside the named package), unless
the real one is already loaded. The stand-in leaves ``sys.modules`` once the import is done.
"""
from __future__ import annotations

import importlib
import os
import sys
import types
from contextlib import contextmanager


def _resource_stream(package: str, name: str):
    module = sys.modules.get(package) or importlib.import_module(package)
    return open(os.path.join(os.path.dirname(module.__file__), *name.split("/")), "rb")


@contextmanager
def light_pkg_resources():
    if "pkg_resources" in sys.modules:
        yield
        return
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_stream = _resource_stream
    stand_in.__doc__ = "extract.imports: resource_stream only, while jieba or cpca is imported"
    sys.modules["pkg_resources"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]
