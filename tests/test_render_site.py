"""The catalogue as a web site: pages, links and MathML, and the same pages in a real browser.

The browser tests drive headless Chromium through selenium (Debian: ``apt-get install chromium
chromium-driver``; ``.ci/run`` installs them). Without them the browser tests fail in CI and skip
with a message elsewhere. Screenshots go to a temporary folder, or to ``$SYMGRAD_SCREENSHOTS``
when it is set, so that a person can look at them.
"""

import base64
import html.parser
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import sympy as sp
from _render_shared import catalogue_results

from symgrad.errors import InvalidArgumentError
from symgrad.kernel.catalogue import sections
from symgrad.kernel.claims import Claim
from symgrad.maths.errata import ERRATA
from symgrad.render.figures import FIGURES
from symgrad.render.site import build_site, claim_html, mathml, page_name

#: Chromium's flags: no GPU, no sandbox (containers), nothing fetched in the background.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: A phone's width in CSS pixels, and a desktop's.
PHONE = (390, 844)
DESKTOP = (1280, 900)

#: The pages the screenshots show: the index, a matrix counterexample, a figure, the errata,
#: claims printed as MathML, the activations with their γ.
LOOKED_AT = (
    "index",
    "refuted_transient_growth",
    "eta_decay",
    "errata",
    "bptt_sum_of_products",
    "gamma_of_builtin_activations",
)


class _Page(html.parser.HTMLParser):
    """What a page holds: element ids, links, image sources, scripts and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []
        self.maths = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "id" in found:
            self.ids.add(found["id"])
        if tag in ("a", "link") and "href" in found:
            self.hrefs.append(found["href"])
        if tag == "img":
            self.srcs.append(found.get("src", ""))
        self.scripts += tag == "script"
        self.maths += tag == "math"
        self.handlers += [name for name in found if name.startswith("on")]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site of the whole catalogue (the shared document run), with every figure."""
    results = catalogue_results()
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(results, out, sections=sections(), errata=ERRATA, figures=list(FIGURES))
    return out, results


def test_every_theorem_has_a_page_and_the_index_links_each(site):
    out, results = site
    index = _parse(out / "index.html")
    for r in results:
        if r.theorem.id != "seed_errata":  # the errata are their own page
            assert (out / page_name(r.theorem.id)).is_file()
            assert page_name(r.theorem.id) in index.hrefs
    assert "errata.html" in index.hrefs and (out / "errata.html").is_file()


def test_no_page_has_scripts_or_fetches_anything_from_the_network(site):
    out, _ = site
    for path in out.glob("*.html"):
        page = _parse(path)
        assert page.scripts == 0 and not page.handlers, path.name
        for target in (*page.hrefs, *page.srcs):
            assert urlparse(target).scheme == "", f"{path.name} refers to {target}"
    for svg in (out / "figures").glob("*.svg"):  # namespaces are names, not fetches
        text = svg.read_text(encoding="utf-8")
        assert 'href="http' not in text and "url(http" not in text and "@import" not in text


def test_every_link_names_a_file_of_the_site_and_an_anchor_on_it(site):
    out, _ = site
    pages = {p.name: _parse(p) for p in out.glob("*.html")}
    for name, page in pages.items():
        for href in page.hrefs + page.srcs:
            target, _, anchor = href.partition("#")
            assert (out / target).is_file(), f"{name}: {href}"
            if anchor:
                assert anchor in pages[target].ids, f"{name}: {href}"


def test_a_theorem_links_the_errata_it_backs_and_the_errata_link_back(site):
    out, _ = site
    backed = next(e for e in ERRATA if e.backings)
    main = backed.backings[0]
    assert f"errata.html#erratum-{backed.number}" in _parse(out / page_name(main)).hrefs
    assert page_name(main) in _parse(out / "errata.html").hrefs


def test_a_matrix_counterexample_is_mathml_with_its_name(site):
    out, _ = site
    text = (out / "refuted_transient_growth.html").read_text(encoding="utf-8")
    assert '<math display="block"><mrow><mi>W</mi><mo>=</mo><mrow><mo>[</mo><mtable>' in text


def test_a_page_says_which_steps_it_leaves_to_the_record(site):
    """The pages show the steps students see, under their record numbers; the numbers left out
    are named, so a list that starts at 3 does not look truncated."""
    from symgrad.render.document import student_steps

    out, results = site
    for r in results:
        if r.theorem.id == "seed_errata":
            continue
        text = (out / page_name(r.theorem.id)).read_text(encoding="utf-8")
        shown = student_steps(r.theorem, r)
        left_out = [k for k in range(1, len(r.theorem.steps) + 1) if k not in shown]
        shown_only = "shown only in the full verification record" in text
        assert shown_only == bool(left_out), r.theorem.id
    builtin = (out / "gamma_of_builtin_activations.html").read_text(encoding="utf-8")
    assert "Steps 1, 2 and 16 are shown only in the full verification record" in builtin


def test_the_activations_page_prints_sigma_and_gamma_as_mathml(site):
    out, _ = site
    page = _parse(out / "gamma_of_builtin_activations.html")
    assert page.maths >= 2 * 10  # σ and γ for each built-in activation with a closed form


def test_prose_is_escaped_and_mathematics_is_mathml():
    x = sp.Symbol("x")
    page = claim_html(Claim("if <b>", x < 1, "then"))
    assert page.startswith('<p class="claim">if &lt;b&gt; <span class="math"><math ')
    assert "<mo>&lt;</mo>" in page and page.endswith("</span> then</p>")
    assert claim_html(Claim(x < 1)).startswith('<div class="formula claim"><math display="block">')
    assert mathml(sp.Matrix([[1, 2]]), name="W").count("<mtd>") == 2


def test_a_page_name_refuses_a_path():
    with pytest.raises(InvalidArgumentError, match="theorem id="):
        page_name("../index")


# --- in a real browser -------------------------------------------------------------------


def _driver(profile: Path):
    """Headless Chromium through chromedriver, or a skip (a failure in CI) saying what is
    missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chromium = None
    if chromium is None or chromedriver is None:
        missing = "selenium (pip install .[test]), chromium and chromium-driver (apt-get)"
        if os.environ.get("CI"):
            pytest.fail(f"the browser test needs {missing} in CI: .ci/run installs them")
        pytest.skip(f"no browser to test the site in: needs {missing}")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))


@pytest.fixture(scope="module")
def browser():
    profile = Path(tempfile.mkdtemp(prefix="symgrad-chromium-"))  # a fresh profile
    driver = _driver(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("SYMGRAD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def _screen(driver, width_height, *, mobile):
    width, height = width_height
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def _screenshot(driver, path: Path) -> None:
    """The whole page (up to 8000 px tall) as a PNG."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


_FACTS = """
document.querySelectorAll('details').forEach(d => d.open = true);
const size = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
return {
  maths: Array.from(document.querySelectorAll('math')).map(m => [...size(m), m.textContent]),
  links: Array.from(document.querySelectorAll('a[href], link[href]')).map(a => a.href),
  images: Array.from(document.images).map(i => [i.src, i.naturalWidth]),
  styled: getComputedStyle(document.body).maxWidth !== 'none',
  wide: document.documentElement.scrollWidth,
};"""


def _problems(driver, path: Path, screen: tuple[int, int]) -> list[str]:
    """What is wrong with the page at `path` on a `screen` (CSS pixels) of that size:
    console errors, formulas drawn without a size, links to a missing file or anchor, images
    that did not load, no stylesheet, a page wider than the screen. (Opens every <details>.)"""
    _screen(driver, screen, mobile=screen == PHONE)
    driver.get(path.as_uri())
    facts = driver.execute_script(_FACTS)
    found = [
        f"console: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"
    ]
    found += [f"<math> {t!r} is {w}×{h}" for w, h, t in facts["maths"] if not (w > 0 and h > 0)]
    for href in facts["links"]:
        url = urlparse(href)
        target = Path(unquote(url.path))
        if url.scheme != "file" or not target.is_file():
            found.append(f"link to a missing file: {href}")
        elif url.fragment and url.fragment not in _parse(target).ids:
            found.append(f"link to a missing anchor: {href}")
    found += [f"image did not load: {src}" for src, width in facts["images"] if not width > 0]
    if not facts["styled"]:
        found.append("the stylesheet did not load")
    if facts["wide"] > screen[0]:
        found.append(f"the page is {facts['wide']} px wide on a {screen[0]} px screen")
    return found


def _look(driver, path: Path, shot: Path) -> None:
    """A screenshot of the page as a reader first sees it (every <details> closed)."""
    driver.get(path.as_uri())
    _screenshot(driver, shot)


def test_the_browser_checks_catch_a_broken_page(browser, tmp_path):
    """The negative control: a page with each fault the checks look for."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" '
        'href="nowhere.css"></head><body><a href="missing.html">x</a> <a href="#gone">y</a>'
        '<img src="missing.svg" alt="z"><math style="display:none"><mi>x</mi></math>'
        '<div style="width:3000px">wide</div></body></html>'
    )
    try:
        found = "\n".join(_problems(browser, page, PHONE))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    for fault in (
        "console:",
        "<math> 'x' is 0×0",
        "missing file",
        "missing anchor",
        "image did not load",
        "stylesheet did not load",
        "px wide on a 390 px screen",
    ):
        assert fault in found


def _notation_site(out: Path) -> Path:
    """A site of two made-up entries whose steps are claims built from the notation objects
    (norms, ordered products, partial derivatives, a formula wider than a phone) and whose
    counterexample is named values, as the catalogue's entries state them."""
    from symgrad.kernel.notation import AtTime, Chain, Norm, OrderedProduct, Partial, named
    from symgrad.kernel.proof import Evidence, Outcome, Step, Theorem

    J, k, t, T, lam, g, i = sp.symbols("J_k k t T lambda_1 gamma i")
    h = sp.Symbol("h", commutative=False)
    held = lambda settings: Outcome(True, "stated for a page")  # noqa: E731
    wide = sp.Add(*(sp.Symbol(f"x_{j}") ** j for j in range(1, 40)))
    holds = Theorem(
        id="notation_on_a_page",
        title="Notation on a page",
        statement="A product of Jacobians over a lag, bounded.",
        formula=sp.Le(Norm(OrderedProduct(J, k, t + 1, T), 2), (lam * g) ** (T - t)),
        steps=[
            Step(Claim(Partial(AtTime(h, T), AtTime(h, t))), "the chain", Evidence.PROVED, held),
            Step(
                Claim("for every", i, "we have", Chain(Norm(J, 2), "<=", lam * g)),
                "",
                "proved",
                held,
            ),
            Step(Claim(sp.Eq(sp.Symbol("y"), wide)), "a long sum", Evidence.CHECKED, held),
        ],
    )
    found = lambda settings: Outcome(  # noqa: E731
        True, "searched", counterexample=named(W=[[0.9, 1], [0, 0.9]], k=9)
    )
    refuted = Theorem(
        id="refuted_notation",
        title="Refuted: a named counterexample",
        statement="A false claim.",
        steps=[Step(Claim(sp.Lt(Norm(sp.Symbol("W"), 2), 1)), "false", Evidence.REFUTED, found)],
    )
    build_site([holds.run(), refuted.run()], out, sections={})
    return out


def test_claims_print_as_mathml_that_renders_and_fits_a_phone(browser, tmp_path):
    out = _notation_site(tmp_path / "site")
    page = (out / "notation_on_a_page.html").read_text(encoding="utf-8")
    assert page.count("<math") == 5  # the statement's formula and four in the claims
    assert "<mi>W</mi><mo>=</mo><mrow><mo>[</mo><mtable>" in (
        out / "refuted_notation.html"
    ).read_text(encoding="utf-8")
    for screen in (PHONE, DESKTOP):
        for path in sorted(out.glob("*.html")):
            assert _problems(browser, path, screen) == [], (path.name, screen)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_page_loads_cleanly_on_a_desktop_screen(site, browser, shots):
    out, _ = site
    for path in sorted(out.glob("*.html")):
        assert _problems(browser, path, DESKTOP) == [], path.name
    for stem in LOOKED_AT:
        _look(browser, out / f"{stem}.html", shots / f"{stem}-desktop.png")


def test_every_page_fits_a_phone_screen(site, browser, shots):
    out, _ = site
    try:
        for path in sorted(out.glob("*.html")):
            assert _problems(browser, path, PHONE) == [], path.name
        for stem in LOOKED_AT:
            _look(browser, out / f"{stem}.html", shots / f"{stem}-phone.png")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    for stem in LOOKED_AT:
        assert (shots / f"{stem}-phone.png").read_bytes().startswith(b"\x89PNG")


def test_errata_backed_by_theorems_not_on_the_site_name_them_without_a_link(site, tmp_path):
    _, results = site
    errata_only = [r for r in results if r.theorem.id == "seed_errata"]
    build_site(errata_only, tmp_path / "site", sections=sections(), errata=ERRATA)
    errata = _parse(tmp_path / "site" / "errata.html")
    assert all((tmp_path / "site" / h.partition("#")[0]).is_file() for h in errata.hrefs)
    assert "<code>eta_decay</code>" in (tmp_path / "site" / "errata.html").read_text()
