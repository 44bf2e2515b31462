"""``gamma``, ``certify`` and ``check-certificate``: γ = sup |σ′| and its certificates."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Collection
from pathlib import Path

from .options import _json
from .text import _emit, _one_line, _say


def _cmd_gamma(args: argparse.Namespace) -> int:
    from ..kernel.proof import UNDECIDED
    from ..maths.gamma import derive_gamma

    try:
        if args.certificate:
            from ..maths.certificates import make_certificate

            cert = make_certificate(args.expression, name="user")  # searched, then checked
            result = cert.checked
            cert.save(args.certificate)
        else:
            result = derive_gamma(args.expression)
    except UNDECIDED as exc:
        reason = _one_line(exc)
        payload = {"ok": False, "verdict": "undecided", "input": args.expression, "reason": reason}
        if args.json:
            _emit(payload, True)
        else:
            _say("gamma", f"undecided: {reason}")
        return 2
    payload = {"ok": True, "verdict": "holds", "input": args.expression, **result.to_dict()}
    # beside SymPy's forms (which the parser reads back), the printers' text and LaTeX
    from ..render.printing import claim_json

    payload["printed"] = {
        "expression": claim_json(result.expression),
        "derivative": claim_json(result.derivative),
        "gamma": None if result.exact is None else claim_json(result.exact),
        "argmax": [claim_json(p) for p in result.argmax],
        "certificate": [claim_json(c) for c in result.certificate],
    }
    # the shipped certificate this γ was checked from (None: searched now)
    payload["checked_from"] = None if result.source == "search" else Path(result.source).name
    if args.certificate:
        payload["certificate_file"] = str(args.certificate)

    def text() -> str:
        import sympy as sp

        from ..render.printing import text as math_text

        lines = [
            f"σ(x)  = {math_text(result.expression)}",
            f"σ′(x) = {math_text(result.derivative)}",
            str(result),
            f"method: {result.method}",
        ]
        if any(v.has(sp.CRootOf) for v in (result.exact, *result.points) if v is not None):
            lines.append(
                "rootₖ(P): the k-th root of the polynomial P, counting its real roots first, "
                "in increasing order"
            )
        lines += [f"certificate: {math_text(c)}" for c in result.certificate]
        if result.bounded and result.gamma:
            lines.append(
                f"λ₁ < 1/γ ≈ {1 / result.gamma:.12g} makes the long-term components vanish: "
                "‖∂h⁽ᵏ⁾/∂h⁽ᵗ⁾‖₂ ≤ (λ₁γ)ᵏ⁻ᵗ"
            )
        if result.source != "search":
            lines.append(f"checked from the shipped certificate {Path(result.source).name}")
        if args.certificate:
            lines.append(f"certificate written to {args.certificate}")
        lines.append(f"time: {result.seconds:.3f} s")
        return "\n".join(lines)

    return _emit(payload, args.json, text())


def _cmd_certify(args: argparse.Namespace) -> int:
    from ..maths.certificates import certificate_dir, certify_catalogue

    folder = Path(args.output) if args.output else certificate_dir()
    files = certify_catalogue(
        folder, progress=None if args.json else sys.stderr, names=args.names or None
    )
    payload = {"ok": True, "directory": str(folder), "files": [str(f) for f in files]}
    return _emit(
        payload,
        args.json,
        "\n".join(
            ["Wrote (each certificate checked before it was written):"] + [f"  {f}" for f in files]
        ),
    )


def _cmd_check_certificate(args: argparse.Namespace) -> int:
    from ..errors import CertificateError
    from ..maths.certificates import check_certificate, load_certificate

    start = time.perf_counter()
    try:
        cert = load_certificate(args.file)
        result = check_certificate(cert, args.expression)
    except CertificateError as exc:
        reason = _one_line(exc)
        payload = {"ok": False, "verdict": "FAILED", "file": args.file, "reason": reason}
        return _emit(payload, args.json, f"rejected: {reason}")
    seconds = time.perf_counter() - start
    payload = {
        "ok": True,
        "verdict": "holds",
        "file": args.file,
        "name": cert.name,
        "covers": len(cert.covers),
        "check_seconds": round(seconds, 4),
        **result.to_dict(),
    }
    return _emit(
        payload,
        args.json,
        (
            f"{args.file}: the certificate holds (re-checked with no clock, "
            f"{len(cert.covers)} certified covers, {seconds:.2f} s)\nσ(x) = "
            f"{cert.expression}\n{result}"
        ),
    )


def _args_gamma(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "expression",
        metavar="EXPR",
        help="e.g. 'x/(1 + exp(-x))', 'tanh' or '-x**2' (may begin with '-')",
    )
    p.add_argument(
        "--certificate",
        default=None,
        metavar="FILE",
        help="search γ (even for a built-in) and save its certificate to FILE, for "
        "'symgrad check-certificate FILE'",
    )
    _json(p)


def _args_certify(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="certificate names (default: every σ of the catalogue)",
    )
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="DIR",
        help="folder for the certificates (default: the catalogue's proofs/certificates)",
    )
    _json(p)


def _args_check_certificate(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a certificate (.json) written by symgrad")
    p.add_argument(
        "--expression",
        default=None,
        metavar="EXPR",
        help="the σ the certificate must certify (default: the one written in it)",
    )
    _json(p)


def _outputs_gamma(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    return [(args.certificate, "file", ())] if args.certificate else []
