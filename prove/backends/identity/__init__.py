"""The identity family: SymPy rewriting, exact evaluation and instances; entry `check.py`."""
