"""Figures that teach: mathtext labels, a legend per panel, bounds in their curve's colour,
captions whose claims the drawn data bear out."""

import re

import matplotlib
import numpy as np
import pytest

from symgrad.errors import InvalidArgumentError, UnknownNameError
from symgrad.kernel.claims import Claim, text_of
from symgrad.render.figures import FIGURES, _training_runs, draw_figure, render_figure
from symgrad.render.printing import claim_latex

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def drawn():
    return {name: draw_figure(name) for name in FIGURES}


def _texts(ax):
    legend = ax.get_legend()
    yield ax.get_title()
    yield ax.get_xlabel()
    yield ax.get_ylabel()
    if legend is not None:
        yield from (t.get_text() for t in legend.get_texts())
    yield from (t.get_text() for t in ax.texts)


def _outside_math(text):
    return re.sub(r"\$[^$]*\$", "", text)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_panel_has_a_title_axis_labels_and_its_own_legend(drawn, name):
    for ax in drawn[name].axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name
        assert ax.get_legend() is not None, f"{name}: a panel without a legend"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_no_literal_carets_underscores_or_python_lists(drawn, name):
    for ax in drawn[name].axes:
        for text in _texts(ax):
            plain = _outside_math(text)
            assert "^" not in plain and "_" not in plain, (name, text)
            assert "[[" not in text and "e+" not in text and "e-0" not in text, (name, text)
            assert text.count("$") % 2 == 0, (name, text)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_dashed_bound_is_labelled_and_has_its_curves_colour(drawn, name):
    for ax in drawn[name].axes:
        solid = {
            matplotlib.colors.to_hex(line.get_color())
            for line in ax.get_lines()
            if line.get_linestyle() == "-"
        }
        for line in ax.get_lines():
            if line.get_linestyle() != "--":
                continue
            assert not line.get_label().startswith("_"), f"{name}: unlabelled dashed line"
            assert matplotlib.colors.to_hex(line.get_color()) in solid, (name, line.get_label())


def test_the_exploding_panel_explodes_and_the_vanishing_one_stays_under_its_bounds(drawn):
    left, right = drawn["jacobian_norms"].axes
    lines = {line.get_label(): line.get_ydata() for line in left.get_lines()}
    curves = [k for k in lines if not k.startswith("bound")]
    bounds = [k for k in lines if k.startswith("bound")]
    for curve, bound in zip(curves, bounds, strict=True):
        assert np.all(lines[curve] <= lines[bound] * (1 + 1e-9)), curve
    small, large = (line.get_ydata() for line in right.get_lines()[:2])
    assert small[-1] > 100 and large[-1] < 0.01  # the caption's "explodes" and "vanishes"


def test_training_runs_bear_out_the_captions():
    data = _training_runs()
    profiles = data["profiles"]
    assert profiles[0.5][10] / profiles[0.5][0] < 1e-3  # "a factor of about 10⁴"
    assert profiles[3.0][10] / profiles[3.0][0] > 1  # "grows with the lag"
    runs = data["runs"]
    assert not np.all(runs["exploding"].losses[-100:] < 1e3)  # leaves the plot
    assert np.nanmean(runs["clipped"].losses[-100:]) < 1 / 12  # below the baseline
    assert np.nanmean(runs["reference"].losses[-100:]) < 1 / 12


def test_captions_say_what_to_see():
    for fig in FIGURES.values():
        caption = text_of(fig.caption)
        assert len(caption) > 150 and "See:" in caption, fig.name


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_captions_are_claims_whose_mathematics_is_sympy_objects(name):
    fig = FIGURES[name]
    for caption in (fig.caption, fig.slides_caption or fig.caption):
        assert isinstance(caption, Claim) and caption.maths, name
        for part in caption.parts:  # prose is words: no formula written as text in it
            assert not isinstance(part, str) or not re.search(r"[=<>≈‖∂ηγλσρτδ₀-₉⁰-⁹]", part)
        latex = claim_latex(caption)
        assert "**" not in latex and "Abs(" not in latex and "True" not in latex, name


def test_an_unknown_figure_name_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'jacobian_norms'"):
        render_figure("jacobian_norm", "x.png")
    with pytest.raises(InvalidArgumentError, match=r"\.png, \.pdf or \.svg"):
        render_figure("activations", "x.jpg")


def test_plot_command_suggests_the_closest_name(capsys):
    from symgrad.cli import main

    assert main(["plot", "activation", "-o", "x.png"]) == 2
    assert "did you mean 'activations'" in capsys.readouterr().err


def test_the_numbers_in_the_transient_and_wall_captions_are_those_drawn(drawn):
    (ax,) = drawn["transient_growth"].axes
    weak, coupled = (line.get_ydata() for line in ax.get_lines()[:2])
    assert round(weak.max(), 2) == 3.91 and int(np.argmax(weak)) == 9
    assert 38 < coupled.max() < 40 and int(np.argmax(coupled)) == 9
    (ax,) = drawn["error_surface"].axes
    w, E = ax.get_lines()[0].get_data()
    wall = w[np.argmax(np.abs(np.diff(E)))]
    assert abs(wall - 4.82) < 0.01


def test_the_bifurcation_figure_shows_the_two_saddle_node_points_of_its_caption(drawn):
    from symgrad.maths.dynamics import bistability_interval

    (ax,) = drawn["bifurcation"].axes
    lo, hi = (float(v) for v in bistability_interval(5))
    caption = text_of(FIGURES["bifurcation"].caption)
    # Pascanu et al.'s labels: the upper attractor vanishes at b₂ (the lower end)
    assert f"b₂ ≈ {lo:.3f}" in caption
    assert f"b₁ ≈ {hi:.3f}" in caption
    stable, unstable, folds = ax.get_lines()[:3]
    assert np.allclose(sorted(folds.get_data()[0]), [lo, hi], atol=1e-9)
    # stable fixed points at a given b: crossings of the solid branches (NaN splits them)
    b = stable.get_data()[0]
    branches = [piece for piece in np.split(b, np.flatnonzero(np.isnan(b))) if len(piece) > 1]
    branches = [piece[~np.isnan(piece)] for piece in branches]
    for where, expected in ((-2.5, 2), (-3.0, 1), (-2.0, 1)):
        count = sum(int(np.sum(np.diff(np.sign(p - where)) != 0)) for p in branches)
        assert count == expected, where
    assert np.all(np.isnan(unstable.get_data()[0]) | (unstable.get_data()[0] >= lo - 1e-9))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_slide_versions_have_at_most_four_panels_and_legible_text(name):
    from symgrad.render.figures import SLIDE_FONTS

    fig = draw_figure(name, slides=True)
    assert len(fig.axes) <= 4, name
    for ax in fig.axes:
        legend = ax.get_legend()
        assert legend is not None
        assert min(t.get_fontsize() for t in legend.get_texts()) >= SLIDE_FONTS["legend"]
        assert ax.title.get_fontsize() >= SLIDE_FONTS["title"]
        assert ax.xaxis.label.get_fontsize() >= SLIDE_FONTS["label"]
