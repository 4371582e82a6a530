"""Chart layout as a reader sees it: axis labels that never run into each other, titles that never clip."""
import re

from reporting import charts


def test_axis_labels_of_a_trend_never_touch():
    periods = [f"{y}-K{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:10]
    svg = charts.lines("Blokkades door de tijd", periods, [("a", list(range(10)))], width=400, height=220,
                       heading=False, legend=False)
    xs = [float(x) for x, label in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="\w+">(\d{4}-K\d)</text>', svg)]
    assert len(xs) >= 3
    # before: "2024-K1" and "2024-K3" 74 px apart at 400 px, a 7-character label and its neighbour's half touching
    assert min(b - a for a, b in zip(xs, xs[1:])) >= 7 * charts.CHAR_PX + 12


def test_a_long_chart_title_wraps_within_the_chart():
    title = "Huishoudens die verschuiven, per waarde van zaanstad.percentage_inkomensgrens en nog wat meer woorden"
    svg = charts.lines(title, ["1", "2"], [("a", [1, 2])], width=480)
    lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg)
    assert len(lines) > 1 and " ".join(lines) == title
    assert all(len(line) * charts.BOLD_PX <= 480 for line in lines)
