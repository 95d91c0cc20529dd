from pathlib import Path

from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "primitives_tour"
topic = load_topic("primitives_tour")


@frames_comparison(base_scene=topic.PrimitivesTour)
def test_call_stack_in_step_with_its_code(scene):
    play_until(scene, "Log")


def test_the_tour_visits_every_primitive():
    """Every exported drawing primitive (a VGroup subclass) appears in the tour."""
    from manim import VGroup

    import visualsys.primitives as p

    source = Path(topic.__file__).read_text()
    widgets = {"Callout", "Legend", "Readout", "TitleCard", "KeyGrid", "Message", "Partition"}
    drawn = {n for n in p.__all__ if isinstance(getattr(p, n), type) and issubclass(getattr(p, n), VGroup)}
    missing = {n for n in drawn - widgets if f"{n}(" not in source}
    assert missing == set()
