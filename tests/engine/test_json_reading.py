"""Reading JSON by orjson where it provably reads what Python's reader with the hooks reads
(engine.yamlsource._read_plainly): the same data, the same numbers left unread, the same refusals."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.yamlsource import (MAX_DEPTH, SourceError, _NOT_PLAIN, _read_plainly, _read_with_hooks, _too_deep_json,
                               parse_json_leaving_unreadable, too_deep)

NUMBERS = ["0", "-0", "7", "-12", "49", "123456789012345678", "1234567890123456789", "-9223372036854775808",
           "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1" * 30, "1" * 31, "01", "1.0",
           "1.50", "-0.0", "0.1", "1e5", "1E5", "1e+5", "2.5e-3", "1e30", "1e31", "1e400", "1e-400", "1e999999999",
           "NaN", "Infinity", "-Infinity", "true", "false", "null", "tru", "1.", ".5", "+1", "- 1"]
CHARS = st.sampled_from(list('":\\.eE,[]{}-0123456789 tfn') + ["\n", "\t", "\x00", "\x1f", "\x7f", "é", "\u2028",
                                                                   "\ud800", "\U0001f600", "\ufeff", "/"])
raw_text = st.lists(CHARS, max_size=8).map("".join)
string = (raw_text.map(lambda s: json.dumps(s, ensure_ascii=False)) | raw_text.map(lambda s: json.dumps(s))
          | raw_text.map(lambda s: f'"{s}"') | st.sampled_from(['"a"', '"b"', '"a:b"', '"true"', '"1.5"', '"x\\u003ay"']))
space = st.sampled_from(["", "", " ", "\n", "\t", "\r\n", "\x0c", "\u00a0"])


def _array(items, ws):
    return "[" + ws + ",".join(items) + "]"


def _object(pairs, ws):
    return "{" + ",".join(f"{ws}{k}{ws}:{v}" for k, v in pairs) + "}"


value = st.recursive(st.sampled_from(NUMBERS) | st.integers().map(str) | string,
                     lambda inner: st.builds(_array, st.lists(inner, max_size=4), space)
                     | st.builds(_object, st.lists(st.tuples(string, inner), max_size=4), space),
                     max_leaves=20)
nested = st.builds(lambda n, k, inner: "[" * n + inner + "]" * (n - k), st.sampled_from([60, 63, 64, 65, 66, 200, 1023, 1025]),
                   st.sampled_from([0, 0, 1]), value)
document = st.builds(lambda before, v, after: before + v + after, space | st.just("\ufeff"), value | nested,
                     space | st.sampled_from(["x", ",", "]", "\x00", " 1"]))


def _outcome(read, text):
    try:
        data, unread = read(text, "zaak.json")
    except SourceError as exc:
        return "refused", vars(exc.problem)
    return repr(data), [(place, what.message) for place, what in unread]  # repr: 1, 1.0 and Decimal("1.0") differ


@settings(max_examples=4000)
@given(document | value)
def test_reading_plainly_where_it_can_reads_what_the_hooks_read(text):
    assert _outcome(parse_json_leaving_unreadable, text) == _outcome(_read_with_hooks, text.removeprefix("\ufeff"))


@settings(max_examples=1000)
@given(st.builds(lambda n, inner: "[" * n + inner + "]" * n, st.integers(0, 70), value))
def test_the_depth_is_walked_only_where_the_brackets_could_make_it(text):
    try:
        data = json.loads(text)
    except ValueError:
        return
    assert _too_deep_json(text, data) == too_deep(data, MAX_DEPTH)


def test_a_plain_case_line_is_read_plainly():
    line = ('{"case":{"case_id":"syn025-0000001","assets":"928.00","household":{"members":[{"role":"applicant","age":57}],'
            '"children":[]},"options":["exemption"],"circumstances":{"necessary_cost":true,"x":null}},"tags":["a:b"]}')
    assert _read_plainly(line) == json.loads(line)


@given(st.sampled_from(['{"a": 1.5}', '{"a": 1e5}', '[18446744073709551616]', '{"a": 1, "a": 2}', '{"a": "x\\u003ay", "a": 2}',
                        '{"a":{"b":1,"b":1}}', "[" * 66 + "]" * 66, '{"a": NaN}', '["\\n"]', "[1,]"]))
def test_what_orjson_would_read_otherwise_goes_to_the_hooks(text):
    assert _read_plainly(text) is _NOT_PLAIN
