"""Chart layout as a reader sees it: axis labels that never run into each other, titles that never clip."""
import re

from reporting import charts


def test_axis_labels_of_a_trend_never_touch():
    periods = [f"{y}-K{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:10]
    svg = charts.lines("Blokkades door de tijd", periods, [("a", list(range(10)))], width=400, height=220,
                       heading=False, legend=False)
    marks = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="(\w+)">(\d{4}-K\d)</text>', svg)
    assert len(marks) >= 3
    extents = []
    for x, anchor, label in marks:
        w, x = len(label) * charts.CHAR_PX, float(x)
        extents.append({"start": (x, x + w), "middle": (x - w / 2, x + w / 2), "end": (x - w, x)}[anchor])
    # before: "2024-K1" (from its point rightwards) and "2024-K3" (centred) 74 px apart at 400 px: they touched
    assert all(b[0] - a[1] >= 6 for a, b in zip(extents, extents[1:]))


def test_a_long_chart_title_wraps_within_the_chart():
    title = "Huishoudens die verschuiven, per waarde van zaanstad.percentage_inkomensgrens en nog wat meer woorden"
    svg = charts.lines(title, ["1", "2"], [("a", [1, 2])], width=480)
    lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg)
    assert len(lines) > 1 and " ".join(lines) == title
    assert all(len(line) * charts.BOLD_PX <= 480 for line in lines)
