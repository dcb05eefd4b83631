"""hebb: brain-inspired neural computation (spiking networks, plasticity,
associative memories, neural-data analysis, trainable spiking layers).

The C++ engine does the work; this package converts types and draws plots.
Numbers are in the documented units: ms, mV, nS, pA, Hz.

Parts beyond the engine are submodules: ``hebb.memory``, ``hebb.analysis``,
``hebb.learn`` (import them explicitly; ``hebb.learn`` loads libtorch).
"""
from . import _core
from .network import Network, Population, Projection, info, load, loads, models, rules

__version__ = "0.1.0"

uniform = _core.uniform

__all__ = ["Network", "Population", "Projection", "load", "loads", "models", "rules", "info", "uniform"]
