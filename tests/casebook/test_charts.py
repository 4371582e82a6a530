import xml.etree.ElementTree as ET

from casebook.charts import bar_chart, heatmap, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    return root


def test_bars_are_proportional_to_their_values():
    root = parse(bar_chart([("a", 100), ("b", 50), ("c", 0)], "Blokkades"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > 0 and widths[1] == widths[0] / 2 and widths[2] == 0
    assert root.find(f"{SVG}title").text == "Blokkades"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "100" in texts and "50" in texts  # values are written, not only drawn


def test_labels_are_escaped_and_long_ones_shortened():
    label = "<script>alert('x')</script> & " + "x" * 60
    svg = bar_chart([(label, 3)], "t & <t>")
    assert "<script>" not in svg
    root = parse(svg)
    shown = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("<script>")]
    assert shown and shown[0].endswith("…") and len(shown[0]) <= 38
    assert any(t.text and t.text.startswith(label) for t in root.iter(f"{SVG}title"))  # the full text as tooltip


def test_heatmap_cells_carry_their_counts_and_the_diagonal_is_blank():
    root = parse(heatmap(["r1", "r2"], [[0, 7], [7, 0]], "Botsingen"))
    counts = [t.text for t in root.iter(f"{SVG}text") if t.text == "7"]
    assert len(counts) == 2
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills[0] == "#ffffff" and fills[1] != "#ffffff"


def test_stacked_bars_have_a_legend_per_series():
    root = parse(stacked_bars([("block-a", [("route-1", 3), ("route-2", 1)]), ("block-b", [("route-2", 2)])],
                              "Routes per blokkade"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "route-1" in texts and "route-2" in texts and "4" in texts and "2" in texts


def test_no_data_says_so():
    for svg in (bar_chart([], "Leeg"), heatmap([], [], "Leeg"), stacked_bars([], "Leeg")):
        assert "geen gegevens" in svg
        parse(svg)
