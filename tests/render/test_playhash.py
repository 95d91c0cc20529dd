"""A play's cache key (``render/playhash.py``) sees every change Manim's own play hash sees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import (
    BLUE,
    RED,
    Circle,
    FadeIn,
    ImageMobject,
    Square,
    Text,
    Transform,
    VGroup,
    linear,
    smooth,
    tempconfig,
)
from manim.utils import hashing

from visualsys.render.fastpaths import FastCamera, fast_paths
from visualsys.render.playhash import play_hash

ROOT = Path(__file__).resolve().parents[2]
MEDIA = {"media_dir": "/tmp/visualsys-test-media"}


def state(change: str = "") -> tuple:
    """A camera, one play's animations and the mobjects on stage; ``change`` alters one thing."""
    camera = FastCamera(pixel_width=64, pixel_height=36,
                        background_color="#222222" if change == "background" else "#000000")
    box = Square(side_length=2 if change != "size" else 2.5)
    box.set_fill(RED if change != "colour" else BLUE, 0.5)
    label = Text("seven" if change != "text" else "eight", font_size=24).next_to(box)
    ring = Circle().shift([1.0, 0.5 if change != "shift" else 0.6, 0.0])
    step = 0.1 if change != "closure" else 0.2
    if change == "code":
        ring.add_updater(lambda m, dt: m.rotate(dt * step * 2))
    else:
        ring.add_updater(lambda m, dt: m.rotate(dt * step))
    pixels = np.zeros((4, 4, 4), np.uint8)
    if change == "image":
        pixels[1, 1] = 255
    image = ImageMobject(pixels)
    mobjects = [box, label, ring, image] + ([Circle()] if change == "extra" else [])
    animations = [Transform(box, Circle(), run_time=1.0 if change != "run_time" else 1.5,
                            rate_func=smooth if change != "rate_func" else linear),
                  FadeIn(VGroup(label), shift=[0.0, 0.1, 0.0])]
    return camera, animations, mobjects


def keys(change: str = "") -> tuple[str, str]:
    camera, animations, mobjects = state(change)
    args = dict(backend="cairo", encoder_fingerprint="x264", renderer_state=())
    scene = object()
    ours = play_hash(scene, camera, animations, mobjects, **args)
    theirs = hashing.get_hash_from_play_call(scene, camera, animations, mobjects, **args)
    return ours, theirs


CHANGES = ["background", "size", "colour", "text", "shift", "closure", "code", "image", "extra",
           "run_time", "rate_func"]


def test_the_same_state_built_twice_gets_the_same_key():
    with tempconfig(MEDIA), fast_paths():
        assert keys()[0] == keys()[0]


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_manim_sees_changes_the_key(change):
    with tempconfig(MEDIA), fast_paths():
        (ours, theirs), (ours_after, theirs_after) = keys(), keys(change)
    assert theirs != theirs_after  # the change is one Manim's hash sees...
    assert ours != ours_after  # ...and so does ours


def test_what_manim_leaves_out_is_left_out():
    with tempconfig(MEDIA), fast_paths():
        camera, animations, mobjects = state()
        args = dict(backend="cairo", encoder_fingerprint="x264", renderer_state=())
        before = play_hash(None, camera, animations, mobjects, **args)
        camera.pixel_array = camera.pixel_array + 1  # what was drawn last is not part of a play
        assert play_hash(None, camera, animations, mobjects, **args) == before
        other = {**args, "encoder_fingerprint": "vp9"}
        assert play_hash(None, camera, animations, mobjects, **other) != before


def test_a_key_is_the_same_in_another_process_with_another_hash_seed():
    """Keys name files shared between processes and renders: nothing process-specific may leak in."""
    code = ("import json\n"
            "from manim import tempconfig\n"
            "from visualsys.render.fastpaths import fast_paths\n"
            "import tests.render.test_playhash as t\n"
            f"with tempconfig({MEDIA!r}), fast_paths():\n"
            "    print(json.dumps([t.keys()[0], t.keys('text')[0]]))\n")
    env = {"PATH": "/usr/bin:/bin"}
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                      text=True, env={**env, "PYTHONHASHSEED": seed}).stdout)
            for seed in ("1", "2")]
    with tempconfig(MEDIA), fast_paths():
        here = [keys()[0], keys("text")[0]]
    assert runs[0] == runs[1] == here
