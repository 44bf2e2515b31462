"""γ certificates: the catalogue's ship and check; edited, stale or wrong ones are rejected."""

import json
import os
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from symgrad import derive_gamma
from symgrad.errors import CertificateError, InvalidArgumentError
from symgrad.maths.activations import as_activation, x
from symgrad.maths.certificates import (
    MAX_BOXES,
    MAX_BYTES,
    MAX_COVERS,
    MAX_DEPTH,
    MAX_TOTAL_BOXES,
    Certificate,
    _digest,
    catalogue_activations,
    certificate_dir,
    check_certificate,
    expression_hash,
    load_certificate,
    make_certificate,
    shipped_certificate,
)

ROOT = Path(__file__).resolve().parent.parent


def _data(name):
    return json.loads((certificate_dir() / f"{name}.json").read_text(encoding="utf-8"))


def _write(tmp_path, data, *, reseal=True):
    """The certificate data written to a file; with `reseal`, its digest made to match again
    (an edit that the digest alone would not catch: the mathematical check must)."""
    if reseal:
        data["digest"] = _digest({k: v for k, v in data.items() if k != "digest"})
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_every_sigma_of_the_catalogue_has_a_shipped_certificate_that_checks():
    activations = catalogue_activations()
    assert {"tanh", "gelu_tanh", "kinked", "bounded_piece", "cubic"} <= set(activations)
    for name, activation in activations.items():
        expr = as_activation(activation).expr
        path = shipped_certificate(expr)
        assert path is not None, f"no certificate for {name}: run 'symgrad certify {name}'"
        result = check_certificate(path, expr)
        recorded = load_certificate(path).result
        assert result.decimal == recorded["gamma_decimal"], name
        assert result.evidence == recorded["evidence"], name


def test_derive_gamma_of_a_catalogue_sigma_comes_from_its_checked_certificate():
    result = derive_gamma("gelu_tanh")
    assert Path(result.source).name == "gelu_tanh.json"
    assert result.evidence == "checked" and result.enclosure is not None


def test_a_check_reads_no_clock(monkeypatch):
    """The verdict of a check cannot depend on time: with the clock unavailable it still
    holds (only the search, which is not run, may read it)."""
    import symgrad.maths.certified_sup as certified_sup
    import symgrad.runtime.limits as limits

    def no_clock():
        raise AssertionError("a certificate check read the clock")

    monkeypatch.setattr(limits.time, "monotonic", no_clock)
    monkeypatch.setattr(certified_sup.time, "monotonic", no_clock)
    result = check_certificate(certificate_dir() / "silu.json")
    assert result.enclosure is not None and result.evidence == "checked"


def test_two_checks_of_one_certificate_give_the_same_result():
    path = certificate_dir() / "mish.json"
    first, second = check_certificate(path).to_dict(), check_certificate(path).to_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_a_certificate_edited_by_one_digit_is_rejected_by_its_digest(tmp_path):
    data = _data("silu")
    lower = data["covers"][0]["lower"]
    data["covers"][0]["lower"] = lower[:10] + str((int(lower[10]) + 1) % 10) + lower[11:]
    with pytest.raises(CertificateError, match="does not match its digest"):
        check_certificate(_write(tmp_path, data, reseal=False))


def test_an_upper_end_lowered_by_one_digit_fails_the_check_of_the_boxes(tmp_path):
    """Resealed, so only mathematics can reject it: some box's arb bound exceeds the lowered
    upper end (the negative control of the cover check)."""
    data = _data("gelu_tanh")
    cover = data["covers"][0]
    lower, upper = Fraction(cover["lower"]), Fraction(cover["upper"])
    assert lower < upper
    cover["upper"] = str(lower)  # the lower end itself: no slack left for the boxes
    with pytest.raises(CertificateError, match="above the certified upper end"):
        check_certificate(_write(tmp_path, data))


def test_a_lower_end_raised_above_the_witness_is_rejected(tmp_path):
    data = _data("mish")
    cover = data["covers"][0]
    cover["lower"] = cover["upper"] = str(Fraction(cover["upper"]) * 2)  # above every value
    with pytest.raises(CertificateError, match="witness"):
        check_certificate(_write(tmp_path, data))


def test_a_recorded_gamma_changed_by_one_digit_is_rejected(tmp_path):
    data = _data("kinked")
    decimal = data["result"]["gamma_decimal"]
    data["result"]["gamma_decimal"] = decimal[:-1] + str((int(decimal[-1]) + 1) % 10)
    with pytest.raises(CertificateError, match="records gamma_decimal"):
        check_certificate(_write(tmp_path, data))


def test_the_method_is_words_for_readers_and_its_spelling_decides_nothing(tmp_path):
    """A certificate written when the window was spelled 64·2^40 still checks: the method
    is recorded, not compared (what is compared is every field a verdict rests on)."""
    data = _data("silu")
    data["result"]["method"] = data["result"]["method"].replace("2⁴⁰", "2^40")
    assert "2^40" in data["result"]["method"]
    assert check_certificate(_write(tmp_path, data)).gamma is not None


def test_a_closed_form_changed_is_rejected(tmp_path):
    data = _data("sigmoid")
    data["result"]["gamma_exact"] = "1/3"
    with pytest.raises(CertificateError, match="records gamma_exact"):
        check_certificate(_write(tmp_path, data))


def test_a_truncated_tree_of_boxes_is_rejected(tmp_path):
    data = _data("silu")
    data["covers"][0]["trees"][0] = data["covers"][0]["trees"][0][:-1]
    with pytest.raises(CertificateError, match="cut short"):
        check_certificate(_write(tmp_path, data))


def test_a_certificate_for_a_changed_expression_is_stale():
    path = certificate_dir() / "tanh.json"
    with pytest.raises(CertificateError, match="stale or belongs to another expression"):
        check_certificate(path, sp.tanh(2 * x))


def test_a_certificate_whose_written_expression_was_changed_is_stale(tmp_path):
    data = _data("bounded_piece")
    data["expression"] = data["expression"].replace("3", "2")
    data["name"] = "renamed"  # not found by its hash among the catalogue's σ either
    with pytest.raises(CertificateError, match="stale"):
        check_certificate(_write(tmp_path, data))


def test_a_certificate_of_another_version_or_format_is_refused(tmp_path):
    data = _data("relu")
    data["version"] = 99
    with pytest.raises(CertificateError, match="version 99"):
        check_certificate(_write(tmp_path, data))
    data = _data("relu")
    data["format"] = "something else"
    with pytest.raises(CertificateError, match="not a γ certificate"):
        check_certificate(_write(tmp_path, data))


def test_a_missing_file_is_a_bad_argument_and_a_non_json_file_is_rejected(tmp_path):
    with pytest.raises(InvalidArgumentError, match="does not exist"):
        load_certificate(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CertificateError, match="not JSON"):
        load_certificate(bad)


def test_a_new_expression_is_searched_and_its_certificate_round_trips(tmp_path):
    expr = x / 2 + sp.Abs(x) * sp.tanh(x) / 3
    assert shipped_certificate(expr) is None
    cert = make_certificate(expr, name="mine")
    assert cert.covers, "an enclosure was needed, so the certificate records its boxes"
    path = cert.save(tmp_path / "mine.json")
    again = check_certificate(path, expr)
    assert again.decimal == cert.result["gamma_decimal"]
    assert load_certificate(path) == Certificate(**{**cert.__dict__, "checked": None})


def test_the_hash_ties_a_certificate_to_the_expression_as_sympy_builds_it():
    assert expression_hash(sp.tanh(x)) == expression_hash(sp.tanh(x) + x - x)  # same tree
    assert expression_hash(x + x**2) != expression_hash(x**2 + x + 1)
    assert expression_hash(x) != expression_hash(sp.Symbol("x"))  # x is real in symgrad


def test_the_wheel_ships_the_certificates_with_the_catalogue():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["proofs"] == (
        "symgrad/proofs"
    )
    assert certificate_dir() == ROOT / "proofs" / "certificates"
    assert sorted(p.stem for p in certificate_dir().glob("*.json")) == sorted(
        catalogue_activations()
    )


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"a":' * 100_000,
        '{"format": "symgrad-gamma-certificate", "version": ' + "9" * 5000 + "}",
    ],
    ids=["deep list", "deep objects", "5000-digit version"],
)
def test_deep_nesting_or_a_huge_number_is_not_a_certificate(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CertificateError, match="not a certificate"):
        load_certificate(path)


def test_a_fifo_or_a_device_is_refused_without_being_read(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # no writer: reading it would block
    with pytest.raises(CertificateError, match="not a regular file"):
        load_certificate(fifo)
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(CertificateError, match="not a regular file"):
        load_certificate(link)


def test_a_file_above_the_size_cap_is_refused(tmp_path):
    big = tmp_path / "big.json"
    big.write_text(" " * (MAX_BYTES + 1), encoding="utf-8")
    with pytest.raises(CertificateError, match=f"larger than {MAX_BYTES} bytes"):
        load_certificate(big)


def test_a_cover_with_more_boxes_than_the_cap_is_malformed(tmp_path):
    data = _data("mish")
    data["covers"][0]["trees"][0] = "0" * (MAX_BOXES + 1)
    with pytest.raises(CertificateError, match=f"at most {MAX_BOXES}"):
        check_certificate(_write(tmp_path, data))
    data = _data("mish")
    data["covers"] = data["covers"] * (MAX_COVERS + 1)
    with pytest.raises(CertificateError, match=f"at most {MAX_COVERS}"):
        check_certificate(_write(tmp_path, data))
    data = _data("mish")
    tree = "0"
    for _ in range(16):  # the full tree of 16 bisections: 131071 boxes, within MAX_BOXES
        tree = "1" + tree + tree
    assert len(tree) <= MAX_BOXES
    count = MAX_TOTAL_BOXES // len(tree) + 1  # each cover allowed, all of them too many
    covers = [{**data["covers"][0], "trees": [tree]} for _ in range(count)]
    cert = Certificate("mish", data["expression"], data["sha256"], data["result"], covers)
    with pytest.raises(CertificateError, match=f"at most {MAX_TOTAL_BOXES}"):
        check_certificate(cert)


def test_an_edited_expression_names_the_sigma_its_hash_belongs_to(tmp_path):
    data = _data("tanh")
    data["expression"] = "tanh(2*x)/2"
    with pytest.raises(CertificateError) as caught:
        check_certificate(_write(tmp_path, data), "tanh(2*x)/2")
    message = str(caught.value)
    assert "made for σ = tanh(x) " in message
    assert message.count("tanh(2·x)/2") == 1 and "2*x" not in message  # once, as maths


@pytest.mark.parametrize("version", [True, 1.0, "1", [1]])
def test_only_the_integer_one_is_version_one(tmp_path, version):
    data = _data("relu")
    data["version"] = version
    with pytest.raises(CertificateError, match="reads version 1, written as an integer"):
        load_certificate(_write(tmp_path, data))


def test_a_tree_deeper_than_the_cap_is_malformed(tmp_path):
    data = _data("mish")
    assert data["covers"][0]["trees"][0].count("1") < MAX_DEPTH  # shipped trees are shallow
    spine = "1" * (MAX_DEPTH + 1) + "0" * (MAX_DEPTH + 2)  # a box bisected MAX_DEPTH + 1 times
    data["covers"][0]["trees"][0] = spine
    with pytest.raises(CertificateError, match=f"{MAX_DEPTH + 1} bisections deep"):
        check_certificate(_write(tmp_path, data))


@pytest.mark.parametrize(
    "cover, reason",
    [(1, "is not a JSON object"), ({"lower": "1e999999999"}, "fraction of at most 4000 digits")],
    ids=["a number", "an end of a billion digits"],
)
def test_a_cover_that_is_not_an_object_or_has_an_end_not_a_short_fraction_is_malformed(
    tmp_path, cover, reason
):
    data = _data("mish")
    data["covers"] = [cover if not isinstance(cover, dict) else {**data["covers"][0], **cover}]
    with pytest.raises(CertificateError, match=reason):
        check_certificate(_write(tmp_path, data))
