"""Batch rendering without rendering: the catalog, shards, and how a batch runs its children."""

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualsys.render import batch
from visualsys.render.batch import Batch, CatalogItem, catalog, parse_shard, shard

CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"


def test_parse_shard_accepts_i_of_n_only():
    assert parse_shard("2/4") == (2, 4)
    assert parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/4", "5/4", "2/0", "a/b", "2", "2/4/8", "-1/4", ""):
        with pytest.raises(ValueError, match="shard"):
            parse_shard(bad)


def test_catalog_lists_every_module_even_one_that_does_not_import():
    items = {it.name: it for it in catalog(CATALOG)}
    assert sorted(items) == ["alpha", "beta", "delta", "gamma"]
    assert items["alpha"].length == 3 and items["alpha"].error is None
    assert "NoSuchPrimitive" in items["delta"].error
    assert items["delta"].path == (CATALOG / "delta.py").resolve()


def items_of(lengths):
    return [CatalogItem(f"t{i:02d}", Path(f"t{i:02d}.py"), float(n)) for i, n in enumerate(lengths)]


@given(st.lists(st.integers(0, 600), max_size=40), st.integers(1, 8))
def test_shards_cover_the_catalog_exactly_once_and_balance_it(lengths, count):
    items = items_of(lengths)
    parts = [shard(items, i, count) for i in range(1, count + 1)]
    names = [it.name for part in parts for it in part]
    assert sorted(names) == sorted(it.name for it in items)
    # greedy longest-first: no shard exceeds the least loaded one by more than its longest topic
    loads = [sum(max(it.length, 1) for it in part) for part in parts]
    longest = max((max(it.length, 1) for it in items), default=0)
    assert max(loads, default=0) - min(loads, default=0) <= longest
    # stable: the same catalog in another order gives the same shards
    again = [shard(list(reversed(items)), i, count) for i in range(1, count + 1)]
    assert [[it.name for it in p] for p in again] == [[it.name for it in p] for p in parts]


def test_shard_rejects_a_bad_index():
    with pytest.raises(ValueError, match="1 <= I <= N"):
        shard(items_of([1, 2]), 3, 2)


def fake_child(monkeypatch, script):
    """Make the batch run ``python -c script <path> ...`` instead of a real render."""
    monkeypatch.setattr(batch, "child_command",
                        lambda path, args: [sys.executable, "-c", script, str(path), *args])


def test_a_failing_child_is_reported_and_the_others_finish(monkeypatch):
    fake_child(monkeypatch, (
        "import json, sys\n"
        "name = sys.argv[1]\n"
        "if 'bad' in name:\n"
        "    print('error: bad.py failed at bad.py line 3: ValueError: nope', file=sys.stderr); sys.exit(1)\n"
        "print(json.dumps({'event': 'begin', 'slug': 'x', 'total_frames': 10, 'total_beats': 1}))\n"
        "print('not json')\n"
        "print(json.dumps({'event': 'done', 'slug': 'x', 'duration': 2.5}))\n"
    ))
    items = [CatalogItem(n, Path(f"{n}.py"), 1.0) for n in ("one", "bad", "two")]
    events, finished = [], []
    outcomes = Batch(items, ["--x"], jobs=2, on_event=events.append, on_done=finished.append).run()
    assert [o.name for o in outcomes] == ["one", "bad", "two"]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].code == 1 and outcomes[1].message == "bad.py failed at bad.py line 3: ValueError: nope"
    assert outcomes[0].duration == 2.5
    assert sorted(o.name for o in finished) == ["bad", "one", "two"]
    # events are relabelled with the catalog name of the child that sent them
    assert sorted(e["slug"] for e in events) == ["one", "two"]


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match="jobs must be >= 1"):
        Batch([], [], jobs=0)
