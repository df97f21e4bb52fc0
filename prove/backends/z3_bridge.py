"""SymPy polynomials as Z3 real terms, once for every backend that needs it.

Every Z3 constant of an encoding is made by one `Z3Vars`, named `base#serial`
(`internal.name`) with a serial unique to the encoding: two SymPy symbols that
share a name (a Dummy and a user's symbol) never share a Z3 constant, and no
constant has a name a claim can spell."""

from __future__ import annotations

import sympy as sp
import z3

from prove.backends.base import CannotDecide
from prove.backends import internal

MAX_POWER = 64  # a larger whole power is not unrolled into products


class NotPolynomial(CannotDecide):
    """A term with no polynomial counterpart over the reals."""


class Z3Vars:
    """One Z3 real per SymPy symbol; fresh symbols for auxiliary unknowns."""

    def __init__(self):
        self.by_symbol: dict = {}
        self.serial = 0

    def real(self, base: str):
        self.serial += 1
        return z3.Real(internal.name(base, self.serial))

    def var(self, s: sp.Symbol):
        v = self.by_symbol.get(s)
        if v is None:
            v = self.by_symbol[s] = self.real(s.name)
        return v

    def fresh(self, base: str) -> sp.Symbol:
        return sp.Dummy(base, real=True)

    def __call__(self, e, expand: bool = True):
        """e as a Z3 term (expanded first unless told not to); NotPolynomial otherwise."""
        if isinstance(e, int):
            return z3.RealVal(e)
        if not isinstance(e, sp.Basic) or isinstance(e, sp.MatrixBase):
            raise NotPolynomial(f"{e!r} is not a number or a polynomial")
        return self._conv(sp.expand(e) if expand else e)

    def _conv(self, e):
        if isinstance(e, sp.Rational):
            return z3.RealVal(f"{e.p}/{e.q}") if e.q != 1 else z3.RealVal(e.p)
        if isinstance(e, sp.Symbol):
            return self.var(e)
        if isinstance(e, sp.Add):
            return z3.Sum([self._conv(a) for a in e.args])
        if isinstance(e, sp.Mul):
            out = self._conv(e.args[0])
            for a in e.args[1:]:
                out = out * self._conv(a)
            return out
        if isinstance(e, sp.Pow) and isinstance(e.exp, sp.Integer) and 0 <= e.exp <= MAX_POWER:
            base = self._conv(e.base)
            out = z3.RealVal(1)
            for _ in range(int(e.exp)):
                out = out * base
            return out
        raise NotPolynomial(f"{e} is not a polynomial")
