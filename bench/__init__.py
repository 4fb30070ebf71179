"""Benchmark of «Наставник» at regional scale: `python -m bench` (see bench/run.py)."""
