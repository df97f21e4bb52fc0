"""The calc family (calc chains: each step a claim of its own); entry `check.py`."""
