"""The `load` fixture of the quick reproductions (see reproduce_loader.py)."""
import pytest
from reproduce_loader import load_system


@pytest.fixture
def load():
    return load_system
