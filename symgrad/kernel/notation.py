"""The notation of the catalogue as SymPy objects, kept unevaluated.

SymPy has no object for some of the notation the catalogue needs; these are
:class:`sympy.Expr` subclasses, kept unevaluated:

=====================  ================================  ==========================
object                 reads as                          e.g.
=====================  ================================  ==========================
:class:`Norm`          ‖x‖, ‖x‖₂                         ``Norm(J, 2)``
:class:`AtTime`        h⁽ᵗ⁾ (a state at a time)          ``AtTime(h, t)``
:class:`Partial`       ∂y/∂x                             ``Partial(AtTime(h, T), AtTime(h, k))``
:class:`Prime`         σ′(a), σ″(a)                      ``Prime(sigma, a)``
:class:`Diag`          diag(v)                           ``Diag(Prime(sigma, a))``
:class:`OrderedProduct`  ∏ in the written order           ``OrderedProduct(J_k, k, t + 1, T)``
:class:`Sup`, :class:`MaxOver`  sup/max over a variable  ``Sup(Abs(Prime(sigma, x)), x)``
:class:`Tends`         a → b                             ``Tends(Norm(W**k) ** (1/k), rho)``
:class:`Transposed`    xᵀ (of any quantity)              ``Transposed(Partial(y, x))``
:class:`Times`         a product in the written order    ``Times(1 / gamma, gamma)``
:class:`Plus`          a sum in the written order        ``Plus(a, b)``
:class:`Op`            a named operator, clip_τ(g)       ``Op("clip", g, sub=tau)``
:class:`Over`          a fraction as written             ``Over(k + sp.sqrt(k**2 + 4), 2)``
:class:`Grad`          ∇x                                ``Grad(AtTime("ell", k))``
:class:`SumOver`       Σ over a condition                ``SumOver(term, k - t >= tau)``
:class:`Cdots`         ⋯                                 ``J_T * Cdots() * J_t``
:class:`Chain`         a = b ≤ c (a chain of relations)  ``Chain(a, "=", b, "<=", c)``
:class:`Decimal`       a decimal with stated digits      ``Decimal("1.90985287058")``
:class:`Ball`          m ± r (a certified enclosure)     ``Ball.parse("[2.5 +/- 1e-9]")``
:class:`Size`          m×n (a matrix's size)             ``Size(n, n)``
:class:`OneSided`      a⁻, a⁺ (a point approached        ``Tends(x, OneSided(0, "-"))``
                       from one side)
=====================  ================================  ==========================

Values that are not SymPy objects (NumPy arrays, nested lists, floats) become SymPy objects
with :func:`as_math`; counterexamples are named values (:func:`named`).

Kept as one module: the notation objects are small SymPy classes of one shape, one per row
of the table above; a new object goes beside the others.
"""

from __future__ import annotations

import io
import pickle
import sys
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.symbol import Str

from ..errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "RELATIONS",
    "AtTime",
    "Ball",
    "Cdots",
    "Chain",
    "Decimal",
    "Diag",
    "Grad",
    "MaxOver",
    "Norm",
    "OneSided",
    "Op",
    "OrderedProduct",
    "Over",
    "Partial",
    "Plus",
    "Prime",
    "Size",
    "SumOver",
    "Sup",
    "Tends",
    "Times",
    "Transposed",
    "as_math",
    "decimal_parts",
    "loads_as_written",
    "named",
    "power_of_ten",
    "subscript",
    "superscript",
]


def as_math(value: Any) -> Any:
    """A mathematical value as a SymPy object: arrays and nested lists become matrices.

    Examples
    --------
    >>> as_math([[1, 2], [3, 4]]).shape
    (2, 2)
    >>> as_math(0.5)
    0.500000000000000
    """
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.Basic):
        return value
    np = sys.modules.get("numpy")  # a NumPy value exists only once NumPy is imported
    if np is not None and isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim else value.item()
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, list | tuple):
        return sp.ImmutableMatrix(value)
    if isinstance(value, bool):
        return sp.true if value else sp.false
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, complex):
        return sp.Float(value.real) + sp.I * sp.Float(value.imag)
    raise InvalidTypeError(
        f"value={value!r} is not mathematics: give a SymPy object, a number, a NumPy array "
        "or a nested list"
    )


class Norm(sp.Expr):
    """‖x‖ with an optional subscript (``2``, ``"F"``, ``sp.oo``), kept unevaluated.

    Examples
    --------
    >>> Norm(sp.Symbol("W"), 2).sub
    2
    >>> Norm(sp.Symbol("g")).sub is None
    True
    """

    def __new__(cls, arg: Any, sub: Any = None) -> Norm:
        arg = as_math(arg) if not isinstance(arg, str) else sp.Symbol(arg)
        if sub is None:
            return super().__new__(cls, arg)
        sub = Str(sub) if isinstance(sub, str) else as_math(sub)
        return super().__new__(cls, arg, sub)

    @property
    def arg(self) -> Any:
        return self.args[0]

    @property
    def sub(self) -> Any:
        return self.args[1] if len(self.args) > 1 else None

    is_commutative = True
    is_nonnegative = True


class AtTime(sp.Expr):
    """A quantity at a time step, h⁽ᵗ⁾ (superscript in parentheses, not a power).

    Examples
    --------
    >>> AtTime("h", sp.Symbol("t") - 1).time
    t - 1
    """

    def __new__(cls, name: Any, time: Any) -> AtTime:
        name = sp.Symbol(name, commutative=False) if isinstance(name, str) else name
        return super().__new__(cls, name, as_math(time))

    @property
    def name(self) -> Any:
        return self.args[0]

    @property
    def time(self) -> Any:
        return self.args[1]

    is_commutative = False


class Partial(sp.Expr):
    """∂y/∂x for a quantity y and a variable x (unevaluated; a Jacobian when both are vectors);
    ``immediate=True`` gives ∂⁺y/∂x, the derivative through x's direct use only, and
    ``order=2`` the second derivative ∂²y/∂x².

    Examples
    --------
    >>> w = sp.Symbol("w")
    >>> Partial(sp.Symbol("E"), w, order=2).order
    2
    >>> Partial(sp.Symbol("E"), w).order
    1
    """

    def __new__(cls, of: Any, by: Any, immediate: Any = False, order: Any = 1) -> Partial:
        if not isinstance(order, int | sp.Integer) or order < 1:
            raise InvalidArgumentError(f"order={order!r} must be a positive integer")
        args = [as_math(of), as_math(by)]
        if order > 1:
            if immediate:
                raise InvalidArgumentError(
                    f"order={order!r} with immediate=True: ∂⁺ is a first derivative only"
                )
            return super().__new__(cls, *args, sp.false, sp.Integer(order))
        return super().__new__(cls, *args, *([sp.true] if immediate else []))

    @property
    def immediate(self) -> bool:
        return len(self.args) > 2 and self.args[2] is sp.true

    @property
    def order(self) -> int:
        return int(self.args[3]) if len(self.args) > 3 else 1

    is_commutative = False


class Prime(sp.Expr):
    """The derivative of a named function at a point, σ′(a) (``order`` primes).

    Examples
    --------
    >>> Prime("sigma", sp.Symbol("a")).order
    1
    """

    def __new__(cls, function: Any, at: Any, order: int = 1) -> Prime:
        function = sp.Symbol(function) if isinstance(function, str) else function
        if not isinstance(order, int | sp.Integer) or order < 1:
            raise InvalidArgumentError(f"order={order!r} must be a positive integer")
        return super().__new__(cls, function, as_math(at), sp.Integer(order))

    @property
    def function(self) -> Any:
        return self.args[0]

    @property
    def at(self) -> Any:
        return self.args[1]

    @property
    def order(self) -> int:
        return int(self.args[2])


class Diag(sp.Expr):
    """diag(v): the diagonal matrix with the vector v on its diagonal."""

    def __new__(cls, arg: Any) -> Diag:
        return super().__new__(cls, as_math(arg))

    is_commutative = False


class OrderedProduct(sp.Expr):
    """∏ of `term` for `var` = `lower` … `upper`, the factors multiplied in the written
    order (``descending``: the factor at `upper` on the left, as for Jacobian chains)."""

    def __new__(
        cls, term: Any, var: Any, lower: Any, upper: Any, descending: bool = True
    ) -> OrderedProduct:
        flag = sp.true if descending else sp.false
        return super().__new__(
            cls, as_math(term), as_math(var), as_math(lower), as_math(upper), flag
        )

    @property
    def term(self) -> Any:
        return self.args[0]

    @property
    def limits(self) -> tuple[Any, Any, Any]:
        return self.args[1], self.args[2], self.args[3]

    is_commutative = False


class _Over(sp.Expr):
    """An operator taken over a variable (and optionally a set): sup, max."""

    word = ""

    def __new__(cls, expr: Any, var: Any, domain: Any = None) -> _Over:
        args = [as_math(expr), as_math(var)]
        if domain is not None:
            args.append(as_math(domain))
        return super().__new__(cls, *args)

    @property
    def expr(self) -> Any:
        return self.args[0]

    @property
    def var(self) -> Any:
        return self.args[1]

    @property
    def domain(self) -> Any:
        return self.args[2] if len(self.args) > 2 else None


class Sup(_Over):
    """sup over a variable, e.g. γ = sup_x |σ′(x)|."""

    word = "sup"


class MaxOver(_Over):
    """max over an index, e.g. maxᵢ |σ′(aᵢ)|."""

    word = "max"


class Tends(sp.Expr):
    """a → b, optionally "as `var` → `to`" (a limit stated as a relation)."""

    def __new__(cls, lhs: Any, rhs: Any, var: Any = None, to: Any = None) -> Tends:
        args = [as_math(lhs), as_math(rhs)]
        if var is not None:
            args += [as_math(var), as_math(sp.oo if to is None else to)]
        return super().__new__(cls, *args)


class Transposed(sp.Expr):
    """xᵀ for any quantity (SymPy's ``Transpose`` takes matrix expressions only)."""

    def __new__(cls, arg: Any) -> Transposed:
        return super().__new__(cls, as_math(arg))

    @property
    def arg(self) -> Any:
        return self.args[0]

    is_commutative = False


class Times(sp.Expr):
    """A product printed in the written order (SymPy sorts the factors of a ``Mul``):
    ``Times(Norm(D, 2), Norm(W, 2))`` reads ‖D‖₂‖W‖₂, ``Times(1 / g, g)`` reads (1/γ)γ.

    Examples
    --------
    >>> g = sp.Symbol("gamma")
    >>> Times(1 / g, g).args
    (1/gamma, gamma)
    """

    def __new__(cls, *factors: Any) -> Times:
        if len(factors) < 2:
            raise InvalidArgumentError(f"Times needs two factors or more, not {len(factors)}")
        return super().__new__(cls, *(as_math(f) for f in factors))

    precedence = 50  # a product


class Plus(sp.Expr):
    """A sum printed in the written order (SymPy sorts the terms of an ``Add``)."""

    def __new__(cls, *terms: Any) -> Plus:
        if len(terms) < 2:
            raise InvalidArgumentError(f"Plus needs two terms or more, not {len(terms)}")
        return super().__new__(cls, *(as_math(t) for t in terms))

    is_commutative = False
    precedence = 40  # a sum: in parentheses under a power or in a product


class Op(sp.Expr):
    """A named operator applied to arguments, the name upright and optionally subscripted:
    ``Op("clip", g, sub=tau)`` reads clip_τ(g), ``Op("tr", W)`` reads tr(W).

    Examples
    --------
    >>> Op("clip", sp.Symbol("g"), sub=sp.Symbol("tau")).name
    'clip'
    """

    def __new__(cls, name: str, *args: Any, sub: Any = None) -> Op:
        if isinstance(name, Str):  # rebuilt from its args (a copy, a pickle)
            sub, args = (None if args[0] == Str("") else args[0]), args[1:]
            name = name.name
        if not isinstance(name, str) or not name.isidentifier():
            raise InvalidArgumentError(f"name={name!r} must be a word, e.g. 'clip'")
        sub_arg = Str("") if sub is None else as_math(sub)
        return super().__new__(cls, Str(name), sub_arg, *(as_math(a) for a in args))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def sub(self) -> Any:
        return None if isinstance(self.args[1], Str) else self.args[1]

    @property
    def operands(self) -> tuple[Any, ...]:
        return self.args[2:]


class Over(sp.Expr):
    """a/b kept as written (SymPy distributes ``(a + b)/2`` into ``a/2 + b/2``)."""

    def __new__(cls, numerator: Any, denominator: Any) -> Over:
        return super().__new__(cls, as_math(numerator), as_math(denominator))

    precedence = 50  # a quotient


class Grad(sp.Expr):
    """∇x, the gradient of a quantity."""

    def __new__(cls, arg: Any) -> Grad:
        return super().__new__(cls, as_math(arg))

    is_commutative = False


class SumOver(sp.Expr):
    """Σ over the indices that satisfy a condition, e.g. the terms with lag k − t ≥ τ."""

    def __new__(cls, term: Any, condition: Any) -> SumOver:
        return super().__new__(cls, as_math(term), as_math(condition))

    is_commutative = False


class Cdots(sp.Expr):
    """⋯ inside a product or sum (the factors in between)."""

    def __new__(cls) -> Cdots:
        return super().__new__(cls)

    is_commutative = False


#: the relation symbols a :class:`Chain` may use, ASCII spelling → Unicode
RELATIONS = {
    "=": "=",
    "<=": "≤",
    "<": "<",
    ">=": "≥",
    ">": ">",
    "!=": "≠",
    "~": "≈",
    "->": "→",
    "=>": "⇒",
    "<=>": "⇔",
    ":=": "≔",
    "<-": "←",
    "in": "∈",
}
_UNICODE = {v: k for k, v in RELATIONS.items()}


class Chain(sp.Basic):
    """A chain of relations ``a = b ≤ c``; it may start with a relation (a continued line
    of a derivation, ``≤ c``).

    Relations are written in ASCII (``"<="``) or Unicode (``"≤"``); see :data:`RELATIONS`.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> Chain("<=", a, "=", b).relations
    ('<=', '=')
    >>> Chain(a, "<<", b)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: relation='<<' is not one of =, <=, <, >=, >, !=, ~, ...
    """

    def __new__(cls, *items: Any) -> Chain:
        out = []
        for item in items:
            if isinstance(item, str):
                rel = _UNICODE.get(item, item)
                if rel not in RELATIONS:
                    allowed = ", ".join(list(RELATIONS)[:7])
                    raise InvalidArgumentError(f"relation={item!r} is not one of {allowed}, ...")
                out.append(Str(rel))
            else:
                out.append(as_math(item))
        if not out:
            raise InvalidArgumentError("a Chain needs at least one relation and one side")
        return super().__new__(cls, *out)

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args if isinstance(a, Str))


def decimal_parts(value: Any, digits: int = 6, *, zeros: bool = False) -> tuple[str, int | None]:
    """A number to `digits` significant digits as (mantissa, power of ten), the power None
    when the number is written without one. Trailing zeros are dropped (``2.0`` is ``2``)
    unless `zeros` keeps every stated digit (``2.50``). Every printer writes numbers from
    these parts (``1.39×10⁻⁶⁰``, ``1.39 \\times 10^{-60}``).

    Examples
    --------
    >>> decimal_parts(1.39e-60), decimal_parts(0.25), decimal_parts(2.0)
    (('1.39', -60), ('0.25', None), ('2', None))
    >>> decimal_parts(2.5, 3, zeros=True)
    ('2.50', None)
    >>> decimal_parts(sp.Float("1.9098528705800000001", 30), 12)
    ('1.90985287058', None)
    """
    if digits <= 15:
        shown = f"{float(value):{'#' if zeros else ''}.{digits}g}"
    else:
        from mpmath.libmp import to_str

        number = sp.Float(value, digits + 5)._mpf_
        shown = to_str(number, digits, min_fixed=-5, max_fixed=digits, strip_zeros=not zeros)
    mantissa, _, power = shown.partition("e")
    if mantissa.endswith("."):
        mantissa = mantissa[:-1]
    elif mantissa.endswith(".0") and not zeros:
        mantissa = mantissa[:-2]
    return mantissa, int(power) if power else None


class Decimal(sp.Expr):
    """A decimal number shown with the significant digits it was given (a ``Float`` shows
    six): a value stated to more digits, or a bound read from a computation.

    Examples
    --------
    >>> Decimal("1.90985287058").digits, Decimal(0.5, 3).digits
    (12, 3)
    >>> float(Decimal("-2.5e-3"))
    -0.0025
    """

    def __new__(cls, value: Any, digits: int | None = None) -> Decimal:
        if digits is None:
            if not isinstance(value, str):
                raise InvalidArgumentError(
                    f"value={value!r}: give the digits a number is shown with, or the number "
                    "as a decimal string"
                )
            mantissa = value.strip().lstrip("+-").lower().partition("e")[0].replace(".", "")
            digits = max(1, len(mantissa.lstrip("0")))
        number = sp.Float(value.strip() if isinstance(value, str) else value, max(digits, 15))
        return super().__new__(cls, number, sp.Integer(digits))

    @property
    def value(self) -> sp.Float:
        return self.args[0]

    @property
    def digits(self) -> int:
        return int(self.args[1])

    def _eval_evalf(self, prec: int) -> sp.Float:
        return self.value.evalf(prec)

    def __float__(self) -> float:
        return float(self.value)

    is_commutative = True
    is_real = True


class Ball(sp.Expr):
    """m ± r: the numbers within `radius` of `mid`, a certified enclosure (an arb ball).

    Examples
    --------
    >>> b = Ball.parse("[5.19677e-75 +/- 3.50e-81]")
    >>> b.mid.digits, float(b.radius)
    (6, 3.5e-81)
    >>> Ball.parse("0.5").radius
    0
    """

    def __new__(cls, mid: Any, radius: Any) -> Ball:
        return super().__new__(cls, as_math(mid), as_math(radius))

    @classmethod
    def parse(cls, text: str) -> Ball:
        """A ball from python-flint's text of an ``arb`` (``[m +/- r]``, or ``m`` when exact)."""
        inner = text.strip()
        if inner.startswith("[") and inner.endswith("]") and "+/-" in inner:
            mid, _, radius = inner[1:-1].partition("+/-")
            # python-flint writes a ball around 0 as [+/- r]
            return cls(Decimal(mid.strip() or "0"), Decimal(radius.strip()))
        try:
            return cls(Decimal(inner), sp.Integer(0))
        except (ValueError, TypeError) as exc:
            raise InvalidArgumentError(
                f"text={text!r} is not a ball '[m +/- r]' or a number"
            ) from exc

    @property
    def mid(self) -> Any:
        return self.args[0]

    @property
    def radius(self) -> Any:
        return self.args[1]

    is_commutative = True


class Size(sp.Expr):
    """m×n, the size of a matrix (a vector: ``Size(n, 1)``).

    Examples
    --------
    >>> Size(3, sp.Symbol("n")).args
    (3, n)
    """

    def __new__(cls, rows: Any, cols: Any) -> Size:
        return super().__new__(cls, as_math(rows), as_math(cols))

    is_commutative = True


class OneSided(sp.Expr):
    """a⁻ or a⁺: the point `point` approached from below (``"-"``) or above (``"+"``).

    Examples
    --------
    >>> OneSided(0, "-").side
    '-'
    >>> OneSided(0, "below")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: side='below' must be '-' (from below) or '+' (from above)
    """

    def __new__(cls, point: Any, side: str | Str) -> OneSided:
        side = side.name if isinstance(side, Str) else side  # as rebuilt from its arguments
        if side not in ("-", "+"):
            raise InvalidArgumentError(
                f"side={side!r} must be '-' (from below) or '+' (from above)"
            )
        return super().__new__(cls, as_math(point), Str(side))

    @property
    def point(self) -> Any:
        return self.args[0]

    @property
    def side(self) -> str:
        return self.args[1].name

    @property
    def bracketed(self) -> bool:
        """Whether the point needs brackets before its mark: (-2)⁺, (√2 - 1)⁻, but 0⁻, 2⁺."""
        return not (self.point.is_Atom and not self.point.could_extract_minus_sign())

    is_commutative = True


def loads_as_written(data: bytes) -> Any:
    """Unpickle mathematics as it was written: SymPy rebuilds an object from its arguments,
    which evaluates what was built with ``evaluate=False`` (``0**(k - d)`` would become nan,
    ``Pow(10, -13)`` a fraction), so a forked check's results are read back with evaluation
    off, except for the classes that need it to be rebuilt at all (:data:`_REBUILT_EVALUATED`:
    a Sum would gain a factor 1, a polynomial's root could not find its polynomial), which
    are rebuilt as SymPy builds them, each on its own.

    Examples
    --------
    >>> import pickle
    >>> k = sp.Symbol("k")
    >>> written = [sp.Pow(10, -13, evaluate=False), sp.Sum(k, (k, 1, 3))]
    >>> pickle.loads(pickle.dumps(written)) == written
    False
    >>> loads_as_written(pickle.dumps(written)) == written
    True
    """
    with sp.evaluate(False):
        return _AsWritten(io.BytesIO(data)).load()


#: classes rebuilt with SymPy's evaluation on (each is a function of arguments already built)
_REBUILT_EVALUATED = frozenset({"Sum", "Product", "Integral", "ComplexRootOf"})


def _evaluated(cls: type) -> type:
    """A stand-in the unpickler calls instead of `cls`: it builds `cls` with evaluation on."""

    def __new__(_stand_in: type, *args: Any) -> Any:
        with sp.evaluate(True):
            return cls(*args)

    return type(cls.__name__, (), {"__new__": __new__})


class _AsWritten(pickle.Unpickler):
    """An unpickler that rebuilds the classes of :data:`_REBUILT_EVALUATED` evaluated."""

    def find_class(self, module: str, name: str) -> Any:
        cls = super().find_class(module, name)
        if module.startswith("sympy.") and name in _REBUILT_EVALUATED:
            return _evaluated(cls)
        return cls


def power_of_ten(power: int) -> sp.Expr:
    """10 to an integer power, written as that power (10⁻¹²), not as the number it is.

    Examples
    --------
    >>> from symgrad.kernel.text import text
    >>> text(power_of_ten(-12)), power_of_ten(-12).doit() == sp.Rational(1, 10**12)
    ('10⁻¹²', True)
    """
    return sp.Pow(10, sp.UnevaluatedExpr(power), evaluate=False)


def named(**values: Any) -> dict[str, Any]:
    """Named mathematical values (a counterexample ``W = …, k = 9``), as SymPy objects.

    Examples
    --------
    >>> named(W=[[0.5, 1], [0, 0.5]], k=9)["k"]
    9
    """
    return {name: as_math(value) for name, value in values.items()}


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPT = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def superscript(n: int) -> str:
    """An integer as superscript digits, for prose that names a power (W⁹).

    Examples
    --------
    >>> "W" + superscript(12), "10" + superscript(-3)
    ('W¹²', '10⁻³')
    """
    return str(n).translate(_SUPERSCRIPT)


def subscript(n: int) -> str:
    """An integer as subscript digits, for prose that names an index (h₁₂).

    Examples
    --------
    >>> "h" + subscript(12)
    'h₁₂'
    """
    return str(n).translate(_SUBSCRIPT)
