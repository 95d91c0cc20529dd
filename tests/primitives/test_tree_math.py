import math

import pytest

from visualsys.primitives.tree_math import binary_levels, levels_for, route, spoken_count


@pytest.mark.parametrize("n, fanout, expected", [
    (1, 500, 1), (500, 500, 1), (501, 500, 2), (500**3, 500, 3), (500**3 + 1, 500, 4), (10**9, 500, 4),
    (8, 2, 3), (9, 2, 4),
])
def test_levels_for_is_the_exact_ceiling_of_the_log(n, fanout, expected):
    assert levels_for(n, fanout) == expected
    assert fanout ** (expected - 1) < n <= fanout**expected or expected == 1


def test_levels_for_matches_the_log_where_floats_are_safe():
    assert levels_for(10**9, 500) == math.ceil(math.log(10**9, 500))


@pytest.mark.parametrize("n, fanout, message", [(10, 1, "fanout must be >= 2"), (0, 10, "n must be >= 1")])
def test_levels_for_refuses_nonsense(n, fanout, message):
    with pytest.raises(ValueError, match=message):
        levels_for(n, fanout)


def test_binary_levels():
    assert [binary_levels(n) for n in (0, 1, 2, 3, 4, 7, 8)] == [0, 1, 2, 2, 3, 3, 4]
    assert binary_levels(10**9) == 30 and 2**29 - 1 < 10**9 <= 2**30 - 1


def test_route_says_where_a_key_goes():
    keys = (36, 44)
    assert route(keys, 44) == "there it is"
    assert route(keys, 30) == "30 is below 36"
    assert route(keys, 50) == "50 is above 44"
    assert route(keys, 40) == "40 is between 36 and 44"
    assert route((10, 20, 30), 25) == "25 is between 20 and 30"
    with pytest.raises(ValueError, match="keys must not be empty"):
        route((), 1)


def test_spoken_count():
    assert [spoken_count(n) for n in (500, 250_000, 125_000_000, 62_500_000_000, 10**9)] == [
        "500", "250,000", "125 million", "62.5 billion", "1 billion"]
