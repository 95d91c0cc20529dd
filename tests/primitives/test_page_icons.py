import numpy as np
import pytest
from manim import Dot

from visualsys import theme
from visualsys.primitives.page_icons import cost_bar, count_table, fan_out, page_row, slotted_page


def test_page_row_lays_cards_left_to_right():
    row = page_row(4, 0.3, 0.4)
    assert len(row) == 4
    xs = [card.get_x() for card in row]
    assert xs == sorted(xs) and all(abs(c.width - 0.3) < 1e-6 for c in row)
    filled = page_row(2, 0.3, 0.4, theme.GREEN, filled=True)
    assert all(c.get_stroke_width() == 0 and c.get_fill_opacity() == 1 for c in filled)
    with pytest.raises(ValueError, match="count must be >= 0"):
        page_row(-1, 0.3, 0.4)
    with pytest.raises(ValueError, match="width and height must be > 0"):
        page_row(2, 0, 0.4)


def test_fan_out_hangs_children_under_the_parent():
    parent = Dot().move_to(np.array([1.0, 2.0, 0.0]))
    lines, kids, dots = fan_out(parent, 5)
    assert len(lines) == len(kids) == 5
    assert all(k.get_top()[1] < parent.get_bottom()[1] for k in kids)
    assert all(np.allclose(line.get_start(), parent.get_bottom()) for line in lines)
    assert dots.get_left()[0] > kids.get_right()[0]
    with pytest.raises(ValueError, match="shown must be > 0"):
        fan_out(parent, 0)


def test_cost_bar_draws_one_icon_per_read():
    caption, icons = cost_bar("B-tree", 4, theme.GREEN)
    assert len(icons) == 4 and caption[1].text == "4pagereads"  # Manim's Text drops spaces in .text
    assert icons.get_top()[1] < caption.get_bottom()[1]
    assert cost_bar("disk", 2, theme.RED, unit="seeks")[0][1].text == "2seeks"


def test_slotted_page_boxes_its_slots():
    box, slots = slotted_page(["key", "ptr", "key"])
    assert len(slots) == 3 and box.width > slots.width and box.height > slots.height
    assert np.allclose(box.get_center(), slots.get_center())
    assert slots[1].get_color() != slots[0].get_color()  # pointers are muted
    with pytest.raises(ValueError, match="cells must not be empty"):
        slotted_page([])


def test_count_table_right_aligns_the_numbers():
    table = count_table([("1 level", "500"), ("2 levels", "250,000"), ("3 levels", "125,000,000")])
    rights = [row[1].get_right()[0] for row in table]
    assert max(rights) - min(rights) < 1e-6
    tops = [row.get_y() for row in table]
    assert tops == sorted(tops, reverse=True)
    assert all(row[1].get_left()[0] > row[0].get_right()[0] for row in table)  # no overlap
    with pytest.raises(ValueError, match="rows must not be empty"):
        count_table([])
