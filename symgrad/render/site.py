"""The catalogue as a static web site: HTML pages with MathML, for a course page.

:func:`build_site` writes a folder that a browser opens from disk, with nothing fetched from
the network and no JavaScript: ``index.html`` (every theorem with its verdict and evidence
levels, by section), one page per theorem (statement, proof idea, derivation with the reason
for each step and its evidence level, counterexamples, figures as SVG), ``errata.html`` (the
corrections of the blog post the catalogue started from) and one stylesheet, ``site.css``.
Pages link to each other: the index to every page, a theorem to the errata it backs and back,
and a step or a correction to the theorem it uses.

Mathematics (claims, counterexamples, activations and their γ) is printed by
:class:`~symgrad.render.printing.SymgradMathMLPrinter`, a subclass of SymPy's MathML
presentation printer; prose is only escaped. The wording is the handout's: each step gives
its reason in the students' voice (:attr:`~symgrad.kernel.proof.Step.student`), and how a step was
checked (instances, tolerances, seeds) sits in a collapsed "How this was checked" box.

Kept as one module: every page is built with the same page frame and the same table of
links; the module is one function per kind of page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..errors import InvalidArgumentError
from ..kernel.claims import Claim, text_of
from .document import is_refuted_claim, post_reference, student_steps
from .handout import ERRATA_ID, FIGURE_THEOREM
from .outcomes import counterexample_notes
from .printing import SymgradMathMLPrinter, named_mathml
from .printing import mathml as _mathml

if TYPE_CHECKING:
    from ..kernel.proof import Outcome, Step, TheoremResult
    from ..maths.errata import Erratum

__all__ = ["SITE_DIR", "build_site", "claim_html", "mathml", "page_name"]

#: The folder of a report that holds the site.
SITE_DIR = "site"

#: The stylesheet every page links to (shipped beside this module).
STYLESHEET = "site.css"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

#: What each evidence level promises, as the index explains it to students.
LEVELS = {
    "proved": "derived symbolically for every size, or shown by a certificate",
    "checked": "computed exactly, or in certified interval arithmetic, on the stated instances",
    "tested": "tried on many random examples within a stated tolerance: no counterexample found",
    "cited": "a standard lemma from the named source, also tested",
    "refuted": "a tempting false claim: a counterexample was found and re-verified exactly",
}


def mathml(expr: Any, *, display: bool = False, name: str | None = None) -> str:
    """`expr` (SymPy, NumPy or a number) as a ``<math>`` element; `name` = … when named.

    Examples
    --------
    >>> print(mathml(sp.Rational(1, 4), name="γ"))
    <math display="inline"><mrow><mi>&#947;</mi><mo>=</mo><mfrac><mn>1</mn><mn>4</mn></mfrac></mrow></math>
    """
    if name is None:
        return _mathml(expr, "block" if display else "inline")
    printer = SymgradMathMLPrinter()
    body = f"<mrow>{printer.doprint(sp.Symbol(name))}<mo>=</mo>{printer.doprint(expr)}</mrow>"
    return f'<math display="{"block" if display else "inline"}">{body}</math>'


def claim_html(claim: Any, prose: Callable[[str], str] = html.escape, block: bool = True) -> str:
    """A step's claim as HTML: a formula alone is displayed (scrolling sideways when wider than
    the screen); otherwise prose (through `prose`) with inline mathematics. With `block`
    false, the inline HTML alone (for a sentence inside a paragraph).

    Examples
    --------
    >>> from symgrad.kernel.claims import Claim
    >>> print(claim_html(Claim("so", sp.Symbol("x") > 0)))  # doctest: +ELLIPSIS
    <p class="claim">so <span class="math"><math display="inline"><mrow><mi>x</mi>...</math></span></p>
    >>> print(claim_html("ρ(W) < 1"))
    <p class="claim">ρ(W) &lt; 1</p>
    """
    if isinstance(claim, str):
        return f'<p class="claim">{prose(claim)}</p>' if block else prose(claim)
    claim = Claim.of(claim)
    if claim.is_formula and block:
        return f'<div class="formula claim">{_mathml(claim.parts[0], "block")}</div>'
    parts = [
        prose(p) if isinstance(p, str) else f'<span class="math">{_mathml(p, "inline")}</span>'
        for p in claim.parts
    ]
    inline = claim.join(parts)
    return f'<p class="claim">{inline}</p>' if block else inline


def page_name(theorem_id: str) -> str:
    """The file of a theorem's page, e.g. ``eta_decay.html`` (ids only: no path can escape)."""
    if not _ID.match(theorem_id):
        raise InvalidArgumentError(f"theorem id={theorem_id!r} must match [a-z][a-z0-9_]*")
    return f"{theorem_id}.html"


class _Links:
    """Escapes prose and turns the theorem ids in it into links to their pages."""

    def __init__(self, results: Sequence[TheoremResult]) -> None:
        self.number = {r.theorem.id: k for k, r in enumerate(results, 1)}
        self.title = {r.theorem.id: r.theorem.title for r in results}
        self.kind = {r.theorem.id: _kind(r.theorem) for r in results}
        ids = sorted(self.number, key=len, reverse=True)
        self._ids = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b") if ids else None

    def link(self, theorem_id: str, text: str | None = None) -> str:
        if theorem_id not in self.number:
            return f"<code>{html.escape(theorem_id)}</code>"
        label = text or f"{self.kind[theorem_id]} {self.number[theorem_id]}"
        title = html.escape(self.title[theorem_id], quote=True)
        return f'<a href="{page_name(theorem_id)}" title="{title}">{html.escape(label)}</a>'

    def label(self, theorem_id: str) -> str:
        """How a list names a theorem: ``Theorem 14: η-decay of …``."""
        if theorem_id not in self.number:  # not on this site: its id, not a link
            return theorem_id
        title = self.title[theorem_id]
        if self.kind[theorem_id] != "Theorem":  # "False claim 5: …" says it is refuted
            title = title.removeprefix("Refuted: ")
        return f"{self.kind[theorem_id]} {self.number[theorem_id]}: {title}"

    def prose(self, text: str | Claim) -> str:
        """`text` escaped for HTML, each theorem id named in it a link; a claim's mathematics
        as ``<math>`` elements."""
        if isinstance(text, Claim):
            return claim_html(text, self.prose, block=False)
        if self._ids is None:
            return html.escape(text)
        pieces = self._ids.split(text)  # ids at odd positions
        return "".join(self.link(p) if k % 2 else html.escape(p) for k, p in enumerate(pieces))


def _kind(theorem: Any) -> str:
    return "False claim" if is_refuted_claim(theorem) else "Theorem"


def _page(title: str, body: Iterable[str], *, css: str = STYLESHEET) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f'<link rel="stylesheet" href="{css}">',
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _badge(kind: str, text: str | None = None) -> str:
    return f'<span class="badge {html.escape(kind)}">{html.escape(text or kind)}</span>'


def _levels(result: TheoremResult) -> list[str]:
    """The evidence levels of the steps students see, strongest first, each once."""
    from ..kernel.proof import Evidence

    shown = {result.theorem.steps[k - 1].evidence for k in student_steps(result.theorem, result)}
    return [e.value for e in Evidence if e in shown]


def _verdict(result: TheoremResult) -> str:
    refuted = is_refuted_claim(result.theorem)
    if result.verdict.value == "refuted" or (refuted and result.ok):
        return _badge("refuted", "false claim")
    return _badge(result.verdict.value.lower(), result.verdict.value)


def _index(
    results: Sequence[TheoremResult],
    sections: dict[str, str],
    links: _Links,
    title: str,
    version: str,
    with_errata: bool,
) -> str:
    from ..kernel.proof import Evidence

    errata_link = (
        '<p><a href="errata.html">Errata of the blog post “The Issues on Training RNN”</a></p>'
    )

    body = [
        "<header>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>Why gradients vanish or explode when a recurrent network is trained by "
        "backpropagation through time, as a catalogue of theorems and refuted claims. Every "
        "step of every derivation was derived or checked by the symgrad package"
        + (f" (version {html.escape(version)})" if version else "")
        + ", and says how it is known.</p>",
        errata_link if with_errata else "",
        "</header>",
        "<main>",
        '<details class="levels"><summary>What the evidence levels mean</summary><dl>',
    ]
    for e in Evidence:
        body.append(f"<dt>{_badge(e.value)}</dt><dd>{html.escape(LEVELS[e.value])}</dd>")
    body.append("</dl></details>")
    current = None
    for r in results:
        if r.theorem.id == ERRATA_ID:
            continue
        section = sections.get(r.theorem.id, "Other results")
        if section != current:
            if current is not None:
                body.append("</tbody></table></div>")
            current = section
            body += [
                f"<h2>{html.escape(section)}</h2>",
                '<div class="scroll"><table class="theorems">',
                "<thead><tr><th>#</th><th>Theorem</th><th>Verdict</th><th>Evidence</th></tr>"
                "</thead><tbody>",
            ]
        levels = " ".join(_badge(v) for v in _levels(r))
        body.append(
            f"<tr><td>{links.number[r.theorem.id]}</td>"
            f"<td>{links.link(r.theorem.id, r.theorem.title)}</td>"
            f"<td>{_verdict(r)}</td><td>{levels}</td></tr>"
        )
    if current is not None:
        body.append("</tbody></table></div>")
    body.append("</main>")
    return _page(title, body)


def _checked(outcome: Outcome, step: Step) -> str:
    """The collapsed box saying how the package checked a step."""
    rows = [("checked", outcome.checked)]
    if outcome.instances:
        rows.append(("instances", Claim.joined(outcome.instances)))
    for key in ("examples", "tolerance", "seed"):
        value = getattr(outcome, key)
        if value is not None:
            rows.append((key, value if isinstance(value, Claim) else str(value)))
    if step.source:
        rows.append(("source", step.source))
    # each piece of mathematics in its own scrolling box, as in the statements
    items = "".join(
        f"<dt>{k}</dt><dd>{claim_html(Claim.of(v), html.escape, block=False)}</dd>" for k, v in rows
    )
    return f"<details><summary>How this was checked</summary><dl>{items}</dl></details>"


def _counterexamples(result: TheoremResult, links: _Links) -> list[str]:
    out = []
    for k, s in enumerate(result.steps, 1):
        found = s.outcome.counterexample
        if not found:
            continue
        out.append(f'<section class="counterexample"><h3>Counterexample to step {k}</h3>')
        out.append(f'<div class="formula">{named_mathml(found)}</div>')
        lines = counterexample_notes(s.outcome, log=False)
        if lines:  # what makes the example one, re-verified: kept closed, as for the steps
            out.append("<details><summary>How this counterexample was checked</summary><ul>")
            for line, more in lines:
                shown = links.prose(line)
                cls = ' class="more"' if more else ""
                out.append(f"<li{cls}>{shown}</li>")
            out.append("</ul></details>")
        out.append("</section>")
    return out


def _approx(value: float) -> str:
    return f" ≈ {value:.7g}"


def _gammas(result: TheoremResult) -> list[str]:
    """A table of the activations a theorem rests on: σ and γ, printed from the derivations."""
    from ..kernel.proof import UNDECIDED
    from ..maths.gamma import derive_gamma

    gammas = dict(result.theorem.gammas or {})
    if not gammas:
        return []
    rows = []
    for name, activation in gammas.items():
        try:
            found = derive_gamma(activation)  # the run's own result: cached or certified
        except UNDECIDED:
            continue
        if not found.bounded:
            gamma = "<td>unbounded</td>"
        elif found.exact is not None:
            approx = "" if found.exact.is_Integer or found.gamma is None else _approx(found.gamma)
            gamma = f"<td>{mathml(found.exact)}{approx}</td>"
        else:
            gamma = f"<td>{_approx(found.gamma) if found.gamma is not None else ''}</td>"
        reached = {True: "attained", False: "approached, not attained"}.get(found.attained, "")
        rows.append(
            f"<tr><td>{html.escape(str(name))}</td><td>{mathml(found.expression)}</td>"
            f"{gamma}<td>{html.escape(reached)}</td></tr>"
        )
    return [
        "<h2>The activations and their γ</h2>",
        '<div class="scroll"><table class="gammas">',
        "<thead><tr><th>name</th><th>σ(x)</th><th>γ = sup |σ′|</th><th></th></tr></thead>",
        "<tbody>",
        *rows,
        "</tbody></table></div>",
    ]


def _numbers(ks: Sequence[int]) -> str:
    """1, 2 and 5 (a list of step numbers in words)."""
    words = [str(k) for k in ks]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _theorem_page(
    result: TheoremResult,
    links: _Links,
    errata: Sequence[Erratum],
    figures: Sequence[tuple[str, str | Claim]],
    neighbours: tuple[str | None, str | None],
) -> str:
    thm = result.theorem
    refuted = is_refuted_claim(thm)
    # a false claim's heading says "False claim"; a theorem about a refuted claim keeps the word
    title = thm.title.removeprefix("Refuted: ") if refuted else thm.title
    if title != thm.title and title[:1].isascii():  # "with ρ(W) < 1 …" starts a title now
        title = title[:1].upper() + title[1:]
    kind = _kind(thm)
    levels = " ".join(_badge(v) for v in _levels(result))
    nav = ['<nav><a href="index.html">All theorems</a>']
    before, after = neighbours
    if before:
        nav.append(f" · previous: {links.link(before)}")
    if after:
        nav.append(f" · next: {links.link(after)}")
    nav.append("</nav>")
    body = [
        *nav,
        "<main>",
        f'<h1><span class="kind">{kind} {links.number[thm.id]}.</span> {html.escape(title)}</h1>',
        f"<p>{_verdict(result)} {'' if refuted else levels}</p>",
        f'<div class="statement"><p>{links.prose(thm.statement)}</p>',
        *([claim_html(thm.formula, links.prose)] if thm.formula is not None else []),
        "</div>",
    ]
    if thm.convention:
        body.append(f"<p><em>Convention.</em> {links.prose(thm.convention)}</p>")
    if thm.assumptions:
        items = "; ".join(links.prose(a) for a in thm.assumptions)
        body.append(f"<p><em>Assumptions.</em> {items}.</p>")
    if thm.proof:
        body.append(f"<p><em>Proof idea.</em> {links.prose(thm.proof)}</p>")
    body += [f"<h2>{'Refutation' if refuted else 'Derivation'}</h2>", '<ol class="steps">']
    shown = student_steps(thm, result)
    for k in shown:
        step, outcome = thm.steps[k - 1], result.steps[k - 1].outcome
        why = step.student if step.student is not None else step.justification
        failed = "" if result.steps[k - 1].ok else " " + _badge("failed", "FAILED")
        body += [
            f'<li id="step-{k}" value="{k}">',
            claim_html(step.claim, links.prose),
            f'<p class="why">{_badge(step.evidence.value)}{failed} {links.prose(why)}</p>',
            _checked(outcome, step),
            "</li>",
        ]
    body.append("</ol>")
    left_out = [k for k in range(1, len(thm.steps) + 1) if k not in shown]
    if left_out:
        one = len(left_out) == 1
        body.append(
            f'<p class="where">Step{"" if one else "s"} {_numbers(left_out)} '
            f"{'is' if one else 'are'} shown only in the full verification record.</p>"
        )
    body += _counterexamples(result, links)
    body += _gammas(result)
    for name, caption in figures:
        body += [
            f'<figure id="figure-{name}">',
            f'<a href="figures/{name}.svg">'  # on a phone: tap for the figure at full size
            f'<img src="figures/{name}.svg" alt="{html.escape(_first_sentence(caption))}"></a>',
            f"<figcaption>{links.prose(caption)}</figcaption>",
            "</figure>",
        ]
    backed = [e for e in errata if thm.id in e.backings]
    if backed:
        items = ", ".join(
            f'<a href="errata.html#erratum-{e.number}">{e.number}</a>' for e in backed
        )
        errata_word = "erratum" if len(backed) == 1 else "errata"
        body.append(f"<p><em>Corrects the blog post:</em> {errata_word} {items}.</p>")
    shown = [r for r in thm.references if not r.startswith(("mathlib", "symgrad."))]
    if shown:
        refs = "; ".join(links.prose(post_reference(r)) for r in shown)
        body.append(f'<p class="refs"><em>References.</em> {refs}.</p>')
    body.append("</main>")
    return _page(f"{kind} {links.number[thm.id]}: {title}", body)


def _first_sentence(caption: str | Claim) -> str:
    """The first sentence of a caption, as plain text: what a figure shows, as its short
    description (an ``alt`` attribute)."""
    text = text_of(caption)
    ends = [m.end() for m in re.finditer(r"\. ", text)]
    # a sentence ends at ". " unless the word before is an abbreviation (Fig. 3, et al.)
    for end in ends:
        word = text[: end - 2].rsplit(" ", 1)[-1]
        if word not in _ABBREVIATIONS:
            return text[: end - 1]
    return text.rstrip(".") + "."


#: words that end with a full stop inside a sentence
_ABBREVIATIONS = {"Fig", "al", "e.g", "i.e", "cf", "eq", "Eq", "vs"}


def _errata_page(errata: Sequence[Erratum], links: _Links) -> str:
    from ..maths.errata import POST_PLACES

    body = [
        '<nav><a href="index.html">All theorems</a></nav>',
        "<main>",
        "<h1>Errata of the blog post “The Issues on Training RNN”</h1>",
        "<p>The blog post “The Issues on Training RNN” summarises the argument of Pascanu, "
        "Mikolov and Bengio (2013) on vanishing and exploding gradients; this catalogue started "
        "from it. The argument is sound in outline, but some statements are wrong or loose. "
        "Each correction quotes the post, says where it stands (by the post's own equation "
        "numbers), states what is right and links the theorem that backs it.</p>",
    ]

    def correction(text: str) -> str:
        return links.prose(post_reference(text))

    for e in errata:
        where = POST_PLACES.get(e.number)
        backed = (
            "; ".join(links.link(t, links.label(t)) for t in e.backings)
            if e.backings
            else links.prose(e.source)
        )
        body += [
            f'<section class="erratum" id="erratum-{e.number}">',
            f"<h2>Erratum {e.number}</h2>",
            f"<blockquote>{claim_html(e.seed_says, links.prose, block=False)}</blockquote>",
            f'<p class="where">{links.prose(where)}</p>' if where else "",
            f"<p>{claim_html(e.correction, correction, block=False)}</p>",
            f'<p class="backing"><em>Backed by</em> {backed}</p>',
            "</section>",
        ]
    body.append("</main>")
    return _page("Errata of the blog post", body)


def stylesheet() -> str:
    """The text of ``site.css``, the one stylesheet of the site (system fonts, responsive)."""
    return resources.files(__package__).joinpath(STYLESHEET).read_text(encoding="utf-8")


def build_site(
    results: Sequence[TheoremResult],
    out: str | Path,
    *,
    sections: dict[str, str],
    errata: Sequence[Erratum] = (),
    figures: Sequence[str] = (),
    draw: Callable[[str, Path], Path] | None = None,
    title: str = "Exploding and vanishing gradients in recurrent networks",
    version: str = "",
) -> list[Path]:
    """Write the site for `results` into the folder `out`; return the files written.

    `figures` names the figures to draw (as SVG, by `draw`, default
    :func:`~symgrad.render.figures.render_figure`); each appears on the page of the theorem it
    illustrates, when that theorem is among `results`. The errata page lists `errata` when the
    errata entry is among `results`.
    """
    from ..runtime.files import write_atomic
    from .figures import FIGURES, render_figure

    out = Path(out)
    draw = draw or render_figure
    links = _Links(results)
    ids = [r.theorem.id for r in results]
    shown_errata = list(errata) if ERRATA_ID in ids else []
    written = []
    placed: dict[str, list[tuple[str, str | Claim]]] = {}
    for name in figures:
        home = FIGURE_THEOREM.get(name)
        if home in ids:
            written.append(draw(name, out / "figures" / f"{name}.svg"))
            placed.setdefault(home, []).append((name, FIGURES[name].caption))
    pages = [r for r in results if r.theorem.id != ERRATA_ID]
    files: dict[str, str] = {}
    for k, r in enumerate(pages):
        before = pages[k - 1].theorem.id if k else None
        after = pages[k + 1].theorem.id if k + 1 < len(pages) else None
        text = _theorem_page(r, links, shown_errata, placed.get(r.theorem.id, []), (before, after))
        files[page_name(r.theorem.id)] = text
    files["index.html"] = _index(results, sections, links, title, version, bool(shown_errata))
    if shown_errata:
        files["errata.html"] = _errata_page(shown_errata, links)
    files[STYLESHEET] = stylesheet()
    for name, text in files.items():
        write_atomic(out / name, text)
        written.append(out / name)
    return written
