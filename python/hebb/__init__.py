"""hebb: brain-inspired neural computation (spiking networks, plasticity,
associative memories, neural-data analysis, trainable spiking layers).

The C++ engine does the work; this package converts types and draws plots.
Numbers are in the documented units: ms, mV, nS, pA, Hz.

Parts beyond the core are submodules: ``hebb.memory``, ``hebb.analysis``,
``hebb.learn`` (import them explicitly; ``hebb.learn`` loads libtorch).
"""
from . import _core

__version__ = "0.1.0"

uniform = _core.uniform

__all__ = ["uniform"]
