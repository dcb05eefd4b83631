"""Shared by the quick reproductions: load models/<system>/reproduce.py as a module."""
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_system(system):
    """The reproduce.py of models/<system> as a module (its run(quick=..., out=...))."""
    spec = importlib.util.spec_from_file_location(f"reproduce_{system}", ROOT / "models" / system / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def load():
    return load_system
