"""The graph family (claims over all graphs up to a bound); entry `check.py`."""
