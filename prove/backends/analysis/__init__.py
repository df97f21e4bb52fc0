"""The analysis family (stationary points, extrema, convexity); entry `check.py`."""
