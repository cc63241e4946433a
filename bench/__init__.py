"""Diplograph's benchmark suite: synthetic records with their ground truth, and the
instrument that measures every stage (load, OWL 2 RL, each temporal rule, the named
queries, export, an incremental addition, peak memory) against owlrl and a plain-Python
floor. Run ``python -m bench --help``; see docs/benchmarks.md.
"""

GENERATOR_VERSION = 1
