"""The one chart module of the casebook and the what-if: valid SVG, marks proportional to their
values, escaped text, values written and not only drawn, and charts that scale to a phone."""
import xml.etree.ElementTree as ET

from reporting.charts import bars, heatmap, lines, nice_ticks, number

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    return root


def shown(root: ET.Element) -> list[str]:
    """The text a reader sees (without the tooltips)."""
    return ["".join(x for x in [t.text, *(c.tail for c in t)] if x) for t in root.iter(f"{SVG}text")]


def marks(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_ticks_are_round_and_cover_the_top():
    assert nice_ticks(95) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(3) == [0, 1, 2, 3] and nice_ticks(0.6) == [0, 0.2, 0.4, 0.6]
    assert nice_ticks(0) == [0, 1]
    assert number(1234567) == "1.234.567" and number(0.5) == "0,50"


def test_bars_are_proportional_to_their_values():
    root = parse(bars("Blokkades", [("a", [("casussen", 100)]), ("b", [("casussen", 50)]), ("c", [("casussen", 0)])]))
    widths = [float(r.get("width")) for r in marks(root)]
    assert len(widths) == 2 and widths[1] == widths[0] / 2  # a zero draws no bar, but its 0 is written
    assert root.find(f"{SVG}title").text == "Blokkades"
    texts = shown(root)
    assert "100" in texts and "50" in texts and "0" in texts


def test_stacked_bars_split_by_series_with_a_legend_and_a_total():
    root = parse(bars("Per <regel>", [("a & b", [("geholpen", 30), ("benadeeld", 10)]),
                                      ("c", [("geholpen", 10), ("benadeeld", 0)])]))
    widths = [float(r.get("width")) for r in marks(root)]
    assert widths[0] == 3 * widths[1] and widths[2] == widths[1]
    texts = shown(root)
    assert "geholpen" in texts and "benadeeld" in texts and "40" in texts and "10" in texts


def test_labels_are_escaped_and_long_ones_shortened_with_the_whole_as_tooltip():
    label = "<script>alert('x')</script> & " + "x" * 80
    svg = bars("t & <t>", [(label, [("n", 3)])])
    assert "<script>" not in svg
    root = parse(svg)
    visible = [t for t in shown(root) if t.startswith("<script>")]
    assert visible and visible[0].endswith("…") and len(visible[0]) <= 64
    assert any(t.text and t.text.startswith(label) for t in root.iter(f"{SVG}title"))


def test_bars_and_lines_scale_with_the_page_and_the_heatmap_keeps_its_size():
    for svg in (bars("b", [("a", [("n", 1)])]), lines("l", ["1", "2"], [("n", [1, 2])])):
        root = parse(svg)
        assert root.get("width") is None and root.get("viewBox").startswith("0 0 ")
        assert float(root.get("viewBox").split()[2]) <= 480  # on a 390 px phone the text stays ≥ 9 px
    assert parse(heatmap(["r1", "r2"], [[0, 7], [7, 0]], "h")).get("width") is not None


def test_a_line_chart_has_a_point_per_value_and_series_told_apart_by_dash():
    root = parse(lines("Sweep", ["1.00", "1.05", "1.10"], [("geholpen", [0, 5, 9]), ("benadeeld", [3, 1, 0])],
                       "grens", "huishoudens"))
    assert len(list(root.iter(f"{SVG}circle"))) == 6
    polylines = list(root.iter(f"{SVG}polyline"))
    assert len(polylines) == 2 and polylines[0].get("stroke-dasharray") != polylines[1].get("stroke-dasharray")
    texts = shown(root)
    assert "grens" in texts and "huishoudens" in texts and "geholpen" in texts


def test_heatmap_cells_carry_their_counts_and_the_diagonal_is_blank():
    root = parse(heatmap(["r1", "r2"], [[0, 7], [7, 0]], "Botsingen"))
    assert len([t.text for t in root.iter(f"{SVG}text") if t.text == "7"]) == 2
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills[0] == "#ffffff" and fills[1] != "#ffffff"


def test_no_data_says_so():
    for svg in (bars("Leeg", []), heatmap([], [], "Leeg"), lines("Leeg", [], [])):
        assert "geen gegevens" in svg
        parse(svg)
