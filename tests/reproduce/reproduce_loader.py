"""Load models/<system>/reproduce.py as a module (its run(quick=..., out=...)).
A module of its own name: `conftest` is ambiguous when pytest collects several
test folders that each have one."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_system(system):
    spec = importlib.util.spec_from_file_location(f"reproduce_{system}", ROOT / "models" / system / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
