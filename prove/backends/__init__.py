"""The backends, one folder per family of claims, each with its `check.py` entry
(`identity/`, `analysis/`, `graph/`, `calc/`).  `base.py` holds the registry,
the limits, the clock, the dispatcher and the one `CannotDecide` root;
`internal.py` the names no claim can spell; `z3_bridge.py` the one
SymPy-polynomial-to-Z3 translation.  See `base.py` for soundness of dispatch.
"""
