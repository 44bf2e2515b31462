import pytest

from symgrad.errors import (
    BudgetExceededError,
    InvalidArgumentError,
    ParseError,
    SymgradError,
    SymgradTimeoutError,
    TeXError,
    UnknownNameError,
    check_positive_int,
    closest_matches,
    unknown_name,
)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (InvalidArgumentError, ValueError),
        (UnknownNameError, LookupError),
        (ParseError, ValueError),
        (BudgetExceededError, ValueError),
        (SymgradTimeoutError, TimeoutError),
        (TeXError, RuntimeError),
    ],
)
def test_every_leaf_is_a_symgrad_error_and_its_builtin(error, builtin):
    assert issubclass(error, SymgradError)
    assert issubclass(error, builtin)


def test_unknown_name_suggests_the_closest_and_lists_the_known():
    message = str(unknown_name("model", "AA", ["A", "B"]))
    assert "model='AA'" in message
    assert "'A'" in message.split("Known")[0]
    assert message.endswith("Known: A, B")


def test_closest_matches_falls_back_to_substrings():
    assert closest_matches("leaky", ["leaky_relu", "tanh"]) == ["leaky_relu"]


@pytest.mark.parametrize("bad", [0, -3, 2.5, "3", True, None])
def test_check_positive_int_rejects_non_positive_and_non_integers(bad):
    with pytest.raises(InvalidArgumentError, match="must be a positive integer"):
        check_positive_int("steps", bad)


def test_check_positive_int_enforces_the_maximum():
    with pytest.raises(InvalidArgumentError, match="at most 4"):
        check_positive_int("trials", 5, maximum=4)
