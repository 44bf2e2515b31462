"""Certificates of γ = sup |σ′|: found once by a search, checked anywhere, with no clock.

A search for γ (:func:`symgrad.maths.gamma.derive_gamma`) may be slow and may give up; what it
found is kept as a *certificate*, a JSON file with

- ``format`` and ``version`` (this module reads version :data:`VERSION`);
- ``expression``: σ as text, and ``sha256``: the hash of σ as SymPy builds it
  (``srepr``), which ties the certificate to one expression;
- ``result``: γ as derived (value, closed form, enclosure, where, evidence);
- ``covers``: for each certified enclosure, the piece and σ′ there, the exact ends
  [lower, upper], the tree of boxes with the formula that bounded each, and the witness
  box of the lower end;
- ``digest``: the SHA-256 of everything above, so that an edited file is rejected before
  it is read.

:func:`check_certificate` re-derives γ with no clock and no randomness: the exact steps
(hypotheses, limits, critical points, certificates of closed forms) run again to their
end, and each branch and bound is replaced by a check of its recorded cover (one interval
evaluation per box). The certificate holds only when that re-derivation gives the recorded
result. A certificate that is malformed, edited, made for another expression or another
version, or whose check fails, raises :class:`~symgrad.errors.CertificateError`, never
a silent fallback.

The catalogue's certificates ship in ``proofs/certificates/``; ``symgrad certify``
regenerates them and ``symgrad check-certificate FILE`` checks any one.

Kept as one module: making, reading, checking and finding the shipped certificates all
follow the one file format above, and a change of that format touches each of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import sympy as sp

from ..errors import CertificateError, InvalidArgumentError
from ..kernel.claims import text_of

__all__ = [
    "FORMAT",
    "VERSION",
    "Certificate",
    "catalogue_activations",
    "certificate_dir",
    "certify_catalogue",
    "check_certificate",
    "expression_hash",
    "load_certificate",
    "make_certificate",
    "shipped_certificate",
]

FORMAT = "symgrad-gamma-certificate"
#: The certificate format this module writes and reads.
VERSION = 1
#: The largest certificate file read, in bytes (the catalogue's are a few kB).
MAX_BYTES = 4 * 1024 * 1024
#: The most covers a certificate may hold; the most boxes (tree nodes) in one cover, which
#: is what a search records at most (it stops at 200 000 boxes, and its last split adds
#: two); the most boxes in all its covers; and the most bisections from an interval to a
#: box (the catalogue's trees go 48 deep). A larger record is refused as malformed before
#: any box is evaluated (a check bounds some tens of thousands of boxes a second).
MAX_COVERS = 100
MAX_BOXES = 200_002
MAX_TOTAL_BOXES = 1_000_000
MAX_DEPTH = 400
_RESULT_FIELDS = (
    "expression",
    "derivative",
    "bounded",
    "gamma_decimal",
    "gamma_exact",
    "gamma_enclosure",
    "attained",
    "argmax",
    "evidence",
    "method",
    "certificate",
    "reason",
)
#: the recorded fields a re-check must reproduce: all but the method, which is words for
#: readers (its spelling may change without changing any verdict)
_COMPARED = tuple(k for k in _RESULT_FIELDS if k != "method")


def expression_hash(expr: sp.Expr) -> str:
    """The SHA-256 of σ as SymPy builds it (``srepr``): what a certificate is tied to.

    Examples
    --------
    >>> from symgrad.maths.activations import x
    >>> expression_hash(sp.tanh(x)) == expression_hash(sp.tanh(x))
    True
    >>> expression_hash(sp.tanh(x)) == expression_hash(sp.tanh(2 * x))
    False
    """
    return hashlib.sha256(sp.srepr(expr).encode("utf-8")).hexdigest()


def _digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Certificate:
    """A γ certificate: σ, its hash, the recorded result and covers (see the module)."""

    name: str
    expression: str
    sha256: str
    result: dict[str, Any]
    covers: list[dict[str, Any]]
    #: the GammaResult of the check that accepted this certificate (not written to the file)
    checked: Any = field(default=None, repr=False, compare=False)

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "expression": self.expression,
            "sha256": self.sha256,
            "result": self.result,
            "covers": self.covers,
        }

    def to_json(self) -> str:
        """The certificate as JSON text, with its digest."""
        body = self.body()
        return json.dumps({**body, "digest": _digest(body)}, indent=1, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        """Write the certificate to `path` atomically (the folder must exist)."""
        from ..runtime.files import write_atomic

        path = Path(path)
        write_atomic(path, self.to_json())
        return path


def _recorded(result: Any) -> dict[str, Any]:
    data = result.to_dict()
    return {key: data[key] for key in _RESULT_FIELDS}


def make_certificate(
    activation: Any, *, name: str | None = None, seconds: float | None = None
) -> Certificate:
    """Search for γ of `activation` and return its certificate, checked before it is returned.

    `seconds` bounds the search (default: what is left of the command's ``--timeout``);
    an activation with a shipped certificate is searched again all the same.

    Examples
    --------
    >>> cert = make_certificate("sigmoid")
    >>> cert.result["gamma_exact"], cert.covers
    ('1/4', [])
    >>> check_certificate(cert).exact
    1/4
    """
    from ..runtime.limits import remaining_seconds
    from .activations import as_activation
    from .gamma_search import DEFAULT_SECONDS, start_search

    act = as_activation(activation)
    limit = remaining_seconds(DEFAULT_SECONDS) if seconds is None else seconds
    result = start_search(act, limit).result()
    cert = Certificate(
        name or act.name,
        sp.sstr(act.expr),
        expression_hash(act.expr),
        _recorded(result),
        result.covers,
    )
    cert.checked = check_certificate(cert, act.expr)  # one that does not check is never kept
    return cert


def load_certificate(path: str | Path) -> Certificate:
    """Read a certificate file; its format, version and digest are checked here.

    Raises :class:`~symgrad.errors.CertificateError` for a file that is not a
    certificate of this format and version, or whose content does not match its digest
    (it was edited after it was made). Only a regular file of at most :data:`MAX_BYTES`
    bytes is read; a device, FIFO or folder is refused without being read.
    """
    path = Path(path)
    try:
        text = _read_capped(path)
    except FileNotFoundError:
        raise InvalidArgumentError(f"certificate={str(path)!r} does not exist") from None
    except OSError as exc:
        raise CertificateError(f"{path}: not a certificate (cannot be read: {exc})") from None
    try:
        data = json.loads(text)
        return _from_data(data, str(path))
    except CertificateError:
        raise
    except RecursionError:
        raise CertificateError(f"{path}: not a certificate (JSON nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, or a number too long to read
        raise CertificateError(f"{path}: not a certificate (not JSON: {exc})") from None


def _read_capped(path: Path) -> str:
    """The text of a regular file of at most MAX_BYTES bytes (opened without blocking)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise CertificateError(f"{path}: not a certificate (not a regular file)")
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise CertificateError(
            f"{path}: not a certificate (larger than {MAX_BYTES} bytes, the most read)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CertificateError(f"{path}: not a certificate (not UTF-8 text: {exc})") from None


def _from_data(data: Any, where: str) -> Certificate:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CertificateError(f"{where}: not a γ certificate (format {FORMAT!r} expected)")
    version = data.get("version")
    if type(version) is not int or version != VERSION:  # not True, not 1.0
        raise CertificateError(
            f"{where}: certificate version {_shown(version)}; this symgrad reads version "
            f"{VERSION}, written as an integer (make it again with 'symgrad certify' or 'symgrad gamma "
            "--certificate')"
        )
    _check_sizes(data.get("covers"), where)
    digest = data.get("digest")
    body = {k: v for k, v in data.items() if k != "digest"}
    if digest != _digest(body):
        raise CertificateError(
            f"{where}: the content does not match its digest; the certificate was edited "
            "after it was made and is not trusted (make it again: 'symgrad certify' for the "
            "catalogue, 'symgrad gamma EXPR --certificate FILE' for another σ)"
        )
    try:
        return Certificate(
            str(data["name"]),
            str(data["expression"]),
            str(data["sha256"]),
            dict(data["result"]),
            list(data["covers"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CertificateError(f"{where}: a field is missing or malformed: {exc!r}") from None


def _shown(value: Any) -> str:
    """`value` for a message: its repr, cut to 40 characters."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to write out
        return "(a number too long to show)"
    return text if len(text) <= 40 else text[:37] + "..."


def _check_sizes(covers: Any, where: str) -> None:
    """Refuse more than MAX_COVERS covers, a cover of more than MAX_BOXES boxes, more than
    MAX_TOTAL_BOXES in all, or a tree deeper than MAX_DEPTH."""
    if not isinstance(covers, list):
        return  # reported as a malformed field below
    if len(covers) > MAX_COVERS:
        raise CertificateError(
            f"{where}: malformed: {len(covers)} covers; a certificate holds at most {MAX_COVERS}"
        )
    total = 0
    for number, cover in enumerate(covers, 1):
        if not isinstance(cover, dict):
            raise CertificateError(f"{where}: malformed: cover {number} is not a JSON object")
        for end in ("lower", "upper"):  # a fraction p/q in digits, as a search writes it
            value = cover.get(end)
            if not (isinstance(value, str) and len(value) <= 4000 and _FRACTION.fullmatch(value)):
                raise CertificateError(
                    f"{where}: malformed: cover {number} has {end} = {_shown(value)}; a "
                    "fraction of at most 4000 digits is expected (such as '1/4')"
                )
        trees = cover.get("trees")
        if not isinstance(trees, list) or not all(isinstance(t, str) for t in trees):
            continue  # malformed in another way: the check of the cover says how
        boxes = sum(len(t) for t in trees)
        total += boxes
        if boxes > MAX_BOXES:
            raise CertificateError(
                f"{where}: malformed: cover {number} has trees of {boxes} boxes; a cover "
                f"holds at most {MAX_BOXES}"
            )
        depth = max((_depth(tree) for tree in trees), default=0)
        if depth > MAX_DEPTH:
            raise CertificateError(
                f"{where}: malformed: cover {number} has a tree {depth} bisections deep; at "
                f"most {MAX_DEPTH} are checked"
            )
    if total > MAX_TOTAL_BOXES:
        raise CertificateError(
            f"{where}: malformed: its covers have {total} boxes in all; at most "
            f"{MAX_TOTAL_BOXES} are checked"
        )


_FRACTION = re.compile(r"-?[0-9]+(/[0-9]+)?")


def _depth(tree: str) -> int:
    """The depth of a preorder bisection tree ('1' a split box, '0' a leaf), read as far as
    it goes (a garbled tree is reported by the check of its cover)."""
    pending, deepest = [0], 0
    for node in tree:
        if not pending:
            break
        depth = pending.pop()
        deepest = max(deepest, depth)
        if node == "1":
            pending += [depth + 1, depth + 1]
    return deepest


def check_certificate(
    certificate: Certificate | str | Path, expression: sp.Expr | str | None = None
) -> Any:
    """Check a certificate deterministically and return the :class:`~symgrad.maths.gamma_search.GammaResult`.

    With `expression`, the certificate must have been made for that σ (its hash); without,
    the expression written in the certificate is parsed and must hash as recorded. The
    derivation is re-run with no clock, each enclosure checked from its recorded cover,
    and must give the recorded result. Anything else raises
    :class:`~symgrad.errors.CertificateError` with the reason.

    Examples
    --------
    >>> from symgrad.maths.activations import x
    >>> cert = make_certificate("sigmoid")
    >>> check_certificate(cert, sp.tanh(x))
    Traceback (most recent call last):
    ...
    symgrad.errors.CertificateError: the certificate 'sigmoid' was made for σ = ...
    """
    from .activations import as_activation
    from .gamma_search import check_derivation

    source = None
    if not isinstance(certificate, Certificate):
        source = str(certificate)
        certificate = load_certificate(certificate)
    cert = certificate
    _check_sizes(cert.covers, f"the certificate {cert.name!r}")
    if expression is None:
        from .activations import x
        from .parsing import parse_expression

        try:
            expr = parse_expression(cert.expression).subs(sp.Symbol("x", real=True), x)
        except Exception:  # e.g. a Piecewise the parser does not read back
            expr = None
        if expr is None or expression_hash(expr) != cert.sha256:
            # a σ of the catalogue whose text does not parse back to the same tree: found by
            # its hash, and accepted only when it is written exactly as the certificate says
            known = _builtin_with_hash(cert.sha256)
            if known is not None and sp.sstr(known) == cert.expression:
                expr = known
        if expr is None:
            raise CertificateError(
                f"the certificate {cert.name!r}: σ = {cert.expression} cannot be read back, "
                f"and no σ of the catalogue is written so with hash {cert.sha256[:12]}…: the "
                "certificate is stale or was edited"
            )
    else:
        expr = as_activation(expression).expr
    if expression_hash(expr) != cert.sha256:
        raise CertificateError(
            f"the certificate {cert.name!r} was made for {_made_for(cert)} (hash "
            f"{cert.sha256[:12]}…), not for σ = {text_of(expr)} (hash "
            f"{expression_hash(expr)[:12]}…): it is stale or belongs to another expression"
        )
    from .activations import Activation

    try:
        result = check_derivation(Activation(cert.name, expr), cert.covers)
    except CertificateError as exc:
        raise CertificateError(f"the certificate {cert.name!r} does not check: {exc}") from None
    found = _recorded(result)
    wrong = [k for k in _COMPARED if found[k] != cert.result.get(k)]
    if wrong:
        key = wrong[0]
        raise CertificateError(
            f"the certificate {cert.name!r} does not check: it records {key} = "
            f"{cert.result.get(key)!r}, the check derives {found[key]!r} (if the derivation "
            "was changed on purpose, make the certificate again with 'symgrad certify')"
        )
    if source is not None:
        result.source = source
    return result


def _made_for(cert: Certificate) -> str:
    """The σ a certificate's recorded hash belongs to, as far as it can be named."""
    from .activations import x
    from .parsing import parse_expression

    try:
        written = parse_expression(cert.expression).subs(sp.Symbol("x", real=True), x)
    except Exception:  # text the parser does not read back
        written = None
    if written is not None and expression_hash(written) == cert.sha256:
        return f"σ = {cert.expression}"
    known = _builtin_with_hash(cert.sha256)
    if known is not None:
        return f"σ = {text_of(known)}"
    return f"another σ (its written σ = {cert.expression} does not have the recorded hash)"


def _builtin_with_hash(digest: str) -> sp.Expr | None:
    """σ of the catalogue with this hash (its text may not parse back to the same tree)."""
    from .activations import as_activation

    for activation in catalogue_activations().values():
        expr = as_activation(activation).expr
        if expression_hash(expr) == digest:
            return expr
    return None


def certificate_dir() -> Path:
    """The folder of the catalogue's certificates (``proofs/certificates``)."""
    from ..kernel.catalogue import proofs_dir

    return proofs_dir() / "certificates"


@cache
def _index() -> dict[str, Path]:
    folder = certificate_dir()
    out: dict[str, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                digest = json.loads(path.read_text(encoding="utf-8")).get("sha256")
            except (OSError, ValueError, AttributeError):
                continue  # an unreadable file certifies nothing; checking it says why
            if isinstance(digest, str):
                out.setdefault(digest, path)
    return out


def shipped_certificate(expr: sp.Expr) -> Path | None:
    """The shipped certificate file for σ = `expr`, or None.

    Examples
    --------
    >>> from symgrad.maths.activations import ACTIVATIONS
    >>> shipped_certificate(ACTIVATIONS["tanh"].expr).name
    'tanh.json'
    """
    return _index().get(expression_hash(expr))


def catalogue_activations() -> dict[str, Any]:
    """Every σ whose γ the catalogue rests on, by certificate name: the built-in activations
    and each theorem's ``gammas``."""
    from ..kernel.catalogue import load_catalogue
    from .activations import ACTIVATIONS

    out: dict[str, Any] = dict(ACTIVATIONS)
    for theorem in load_catalogue():
        for name, activation in dict(theorem.gammas).items():
            out.setdefault(name, activation)
    return out


def certify_catalogue(
    out: str | Path | None = None, *, progress: Any = None, names: list[str] | None = None
) -> list[Path]:
    """Search γ for every σ of the catalogue (or `names`) and write one checked certificate
    each into `out` (default: :func:`certificate_dir`); returns the files written. With a
    text stream as `progress`, a line there names each search as it starts."""
    from ..errors import check_stream, unknown_name

    check_stream("progress", progress)
    folder = Path(out) if out is not None else certificate_dir()
    everything = catalogue_activations()
    chosen = list(everything) if names is None else names
    for name in chosen:
        if name not in everything:
            raise unknown_name("certificate", name, everything)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in chosen:
        if progress is not None:
            print(f"symgrad certify: searching γ for {name} …", file=progress, flush=True)
        cert = make_certificate(everything[name], name=name)
        written.append(cert.save(folder / f"{name}.json"))
    _index.cache_clear()
    return written
