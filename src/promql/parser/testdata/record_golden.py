#!/usr/bin/env python3
"""Records what Prometheus 2.42 answers for the queries below, as golden data for parser_golden_test.

Run a real Prometheus 2.42 (Debian's `prometheus` package) on 127.0.0.1:19099, e.g.
  prometheus --config.file=/dev/null --storage.tsdb.path=/tmp/p --web.listen-address=127.0.0.1:19099
then: python3 record_golden.py > format_query.jsonl
Each output line is a JSON array [query, ok, output]: for a valid query, output is the
/api/v1/format_query answer (parser.Prettify); for an invalid one, the parse error message.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

URL = "http://127.0.0.1:19099/api/v1/format_query"
PREFIX = 'invalid parameter "query": '

SELECTORS = [
    'foo', 'foo:bar', ':foo', 'foo_bar_123', 'foo{}', '{a="b"}', 'foo{a="b"}', 'foo{a="b",}',
    'foo{a="b", c!="d", e=~"f.*", g!~"h|i"}', 'foo {a="b"}', 'foo{ a = "b" }', "foo{a='b'}",
    'foo{a=`b\\c`}', 'foo{c="d", a="b"}', '{__name__="foo"}', '{__name__=~"foo|bar"}',
    '{__name__!=""}', 'foo{a="b", a="c"}', 'foo{a="b", a="b"}', 'sum', 'by', 'offset', 'start', 'end',
    'and', 'without', 'min{a="b"}', 'SUM', 'foo{by="x", offset="y", on="z"}', 'foo{a="\\u00e9"}',
    'foo{a="\\n\\t\\""}', 'foo{a="x",b="y"}[5m]', '{a=~".+"}', '{a!~""}', 'foo{a=~"a{,5}"}',
    'foo{a=~"\\\\pN"}', 'Inf_metric', 'infinity', 'Infinity', 'nanx',
]
NUMBERS = [
    '1', '1.5', '.5', '5.', '0.', '1e3', '1E3', '1e-3', '1e+3', '.5e-3', '5.e3', '0x1f', '0X1F', '0xe',
    '010', '0755', '08', '089', '00', 'Inf', 'inf', 'INF', 'NaN', 'nan', '-Inf', '+Inf', '-nan',
    '-1', '+1', '- 1', '--1', '-+-1', '-0', '-0.0', '1000000', '100000', '123456', '1234567', '0.0001',
    '0.00001', '1e21', '1e20', '123456789012', '0.1', '1e-400', '4e-320', '9007199254740993',
    '99999999999999999999', '0777777777777777777777777', '1e400', '0x', '0xFFFFFFFFFFFFFFFF',
    '0x7FFFFFFFFFFFFFFF', '0x1.8', '1e', '1.2.3', '..5', '5..', '0b101', '0o17', '1_000', '123abc',
    '0deadbeef', '1 + 2 * 3', '2 ^ 3 ^ 2', '1/0', '-1/0', '0/0',
]
STRINGS = [
    '"foo"', "'foo'", '`foo`', '""', "''", '``', '"a\\"b"', "'a\\'b'", '"a\'b"', "'a\"b'", '`a"b\'c`',
    '`a\\nb`', '"\\a\\b\\f\\n\\r\\t\\v\\\\"', '"\\0"', '"\\07"', '"\\077"', '"\\101"', '"\\400"',
    '"\\x41"', '"\\x4"', '"\\x4g"', '"\\u00e9"', '"\\u12"', '"\\ud800"', '"\\U0001F600"',
    '"\\U0010FFFF"', '"\\U00110000"', '"\\z"', '"\\\'"', "'\\\"'", '"é"', '"日本語"', '"\u00a0"',
    '"\u200b"', '"\ufeff"', '"\ue000"', '"\u0085"', '"\x7f"', '"\x01"', '"\u2028"', '"\ufffd"',
    '`\ufffd`', '`a\nb`', '"a\nb"', '"unterminated', "'x", '`x', '"\\', '"a" "b"',
]
DURATIONS = [
    'foo[5m]', 'foo[5M]', 'foo[5]', 'foo[]', 'foo[ 5m ]', 'foo[5m', 'foo[1y2w3d4h5m6s7ms]', 'foo[90d]',
    'foo[400d]', 'foo[1y5d]', 'foo[14d]', 'foo[2w]', 'foo[365d]', 'foo[8760h]', 'foo[60s]', 'foo[1000ms]',
    'foo[1500ms]', 'foo[90m]', 'foo[0s]', 'foo[0m]', 'foo[1.5m]', 'foo[0x5m]', 'foo[5mm]', 'foo[5m1]',
    'foo[1h1h]', 'foo[1m1h]', 'foo[1ms5s]', 'foo[5y1hs]', 'foo[300y]', 'foo[290y]', 'foo[99999999999999999999s]',
    'foo[5m x]', 'foo[5m x y]', 'foo[:5m]', 'foo[5m::]', 'foo[[5m]]', 'foo]', 'foo[5m]]', 'foo[5m:1m1]',
]
MODIFIERS = [
    'foo offset 5m', 'foo OFFSET 5m', 'foo offset -5m', 'foo offset - 5m', 'foo offset 1h30m',
    'foo offset 0s', 'foo offset 5', 'foo offset', 'foo offset -x', 'foo offset 5mm', 'foo offset 300y',
    'foo offset 5m offset 1m', 'foo[5m] offset 5m', 'foo offset 5m [5m]', 'foo{a="b"} offset 1d',
    '1 offset 1d', '-1 offset 1d', '"a" offset 1m', '(foo) offset 5m', 'sum(foo) offset 5m',
    'rate(foo[5m]) offset 5m', 'foo[5m:] offset 5m', 'foo[5m:1m] offset -1h', 'offset offset 5m',
    'foo @ 100', 'foo @ 100.5', 'foo @ -100', 'foo @ +100', 'foo @ 1.5e3', 'foo @ 0x10', 'foo @ 1.0005',
    'foo @ -1.0005', 'foo @ 0.0005', 'foo @ 0.0015', 'foo @ -0', 'foo @ 1e19', 'foo @ -1e19', 'foo @ inf',
    'foo @ -Inf', 'foo @ nan', 'foo @ 9.3e15', 'foo @ 1e30', 'foo @ 0x', 'foo @ 1m', 'foo @', 'foo @ x',
    'foo @ - x', 'foo @ start()', 'foo @ end()', 'foo @ START()', 'foo @ start', 'foo @ start(', 'foo @ start x',
    'foo @ start() @ end()', 'foo @ 1 @ 2', 'foo @ start()[5m]', 'foo @ 100 [5m]', 'foo[5m] @ 100',
    'foo[5m] @ start() offset 5m', 'foo offset 5m @ 10', 'foo @ 10 offset 5m', 'foo[1m:] @ end()',
    'sum(foo) @ 100', '1 @ 100', '(foo[5m]) @ 100', 'rate(foo[5m])[5m] @ 100', 'start()', 'end()',
    'foo @ 100 + bar @ 200',
]
SUBQUERIES = [
    'foo[5m:]', 'foo[5m:1m]', 'foo[5m : 1m]', 'foo[5m:0s]', 'foo[5m:1]', 'foo[5m:x]', 'foo[5m:5m',
    'foo[5m:]x', 'rate(foo[5m])[1h:5m]', 'sum(foo)[5m:]', '(foo + bar)[5m:]', '1[5m:]', '"a"[5m:]',
    'foo[5m][5m:]', 'foo[5m:][5m:]', 'max_over_time(rate(foo[5m])[1h:1m])', 'foo[1h:5m] offset 1h @ 10',
    '-foo[5m:]', 'foo[5m:1m1]', '(foo)[5m]', 'sum(foo)[5m]', 'rate(foo[1m])[1h]',
]
BINARY = [
    'foo + bar', 'foo - bar', 'foo * bar', 'foo / bar', 'foo % bar', 'foo ^ bar', 'foo == bar',
    'foo != bar', 'foo > bar', 'foo < bar', 'foo >= bar', 'foo <= bar', 'foo and bar', 'foo or bar',
    'foo unless bar', 'foo atan2 bar', 'foo AND bar', 'foo Or bar', 'foo ATAN2 bar', 'foo+bar', 'foo==bar',
    'foo == bool bar', 'foo > bool 1', '1 == bool 1', '1 == 1', '1 > 2', '1 < bool 2', 'foo + bool bar',
    'foo and bool bar', '1 + 1', '1 + foo', 'foo + 1', '"a" + 1', '1 + "a"', 'foo[5m] + 1', 'foo + foo[5m]',
    'time() + foo[5m:]', 'foo and 1', '1 or foo', '1 unless 1', 'foo + on(a) bar', 'foo + on (a, b) bar',
    'foo + on() bar', 'foo + ignoring(a) bar', 'foo + ignoring() bar', 'foo + on(a) group_left bar',
    'foo + on(a) group_left() bar', 'foo + on(a) group_left(b) bar', 'foo + on(a) group_right(b, c) bar',
    'foo + ignoring(a) group_left(b) bar', 'foo + on(a) group_left(a) bar', 'foo + ignoring(a) group_left(a) bar',
    'foo + on(a, a) bar', 'foo and on(a) bar', 'foo or ignoring(a) bar', 'foo and on(a) group_left(b) bar',
    'foo unless on(a) group_right bar', 'foo + group_left bar', 'foo + on(a) bool bar', 'foo + bool on(a) bar',
    'foo == bool on(a) group_left(b) bar', '1 + on(a) 2', '1 + on() foo', '1 + ignoring() 2', 'foo + on(a) 1',
    'foo * on(a) group_right bar', 'foo + on(a) group_left , bar', 'foo + on(a) group_left', 'foo + on a bar',
    'foo + on(a bar', 'foo + on(a,) bar', 'foo + on(,) bar', 'foo + on(a:b) bar', 'foo + on(1) bar',
    'foo + on(by, sum, bool, offset, start) bar', 'foo + on(without) bar', 'foo + ON(A) GROUP_LEFT(B) bar',
    'foo +', '+ foo', '* foo', 'foo + * bar', 'foo bar', 'foo 1', 'foo "s"', 'foo 5m', 'foo bar:baz',
    'foo 12345678901234', 'foo + "averyveryverylongstring"', 'foo + @', 'foo and and', 'foo and offset',
    'a - on(b) ignoring(c) d', '1 !~ 1', '1 =~ 1', '1 ! 1', 'foo = bar',
]
PRECEDENCE = [
    'a + b * c', 'a * b + c', 'a - b - c', 'a / b / c', 'a ^ b ^ c', '-a ^ b', '-a * b', 'a * -b ^ c',
    'a - -b', 'a--b', 'a+-b*c', '+-+-1', '-(1)', '-"s"', '--foo', '-foo[5m]', '-foo offset 5m', '- 1 ^ 2',
    '-2^2', '1 + 2 * 3 ^ 4 / 5 - 6', 'a or b and c unless d', 'a and b or c', 'a == b != c', 'a + b == c * d',
    'a atan2 b * c', 'a * b atan2 c', 'a % b ^ c', 'a ^ -b', 'a ^ -b * c', '-a + b', '(a + b) * c',
    'a * (b + c)', '((a))', '(((1)))', '-(-(foo))', 'a > b and c < d or e', '1 + -2', '2 * -3 ^ 2',
    'foo unless bar or baz and qux', 'a + b offset 5m', 'a / b @ 10',
]
AGGREGATIONS = [
    'sum(foo)', 'sum (foo)', 'SUM(foo)', 'Sum(foo)', 'sum by (a) (foo)', 'sum by (a, b) (foo)', 'sum by (a,) (foo)',
    'sum by () (foo)', 'sum without (a) (foo)', 'sum without () (foo)', 'sum(foo) by (a)', 'sum(foo) without (a, b)',
    'sum by (a)(foo)', 'avg(foo)', 'count(foo)', 'min(foo)', 'max(foo)', 'group(foo)', 'stddev(foo)', 'stdvar(foo)',
    'topk(5, foo)', 'bottomk(5, foo)', 'quantile(0.5, foo)', 'count_values("x", foo)', 'topk(5, foo) by (a)',
    'quantile by (a) (0.9, foo)', 'count_values without (a) ("v", foo)', 'sum(rate(foo[5m]))',
    'sum by (job) (rate(http_requests_total{job="api"}[5m]))', 'sum(sum(foo))', 'sum(foo + bar)',
    'sum by (SUM, offset, bool, on, by, start, end, atan2, group_left) (foo)', 'sum by (A) (foo)',
    'sum()', 'sum () by (a)', 'sum(foo, bar)', 'topk(foo)', 'topk(5)', 'topk(5, foo, bar)', 'topk(foo, bar)',
    'topk("a", foo)', 'topk(1, foo[5m])', 'count_values(1, foo)', 'count_values(foo)', 'quantile("a", foo)',
    'sum(foo[5m])', 'sum("a")', 'sum(1)', 'stddev(1, foo)', 'sum foo', 'sum by (a) foo', 'sum by a (foo)',
    'sum by (a', 'sum by (a) (foo', 'sum(foo) bar', 'sum(foo bar)', 'rate(sum(foo) bar)', 'sum(foo,)', 'sum(foo,,)',
    'sum(foo) by (a) by (b)', 'sum without (a) (foo) by (b)', 'sum by (foo:bar) (x)', 'sum by (nan) (x)',
    'sum by (without) (x)', 'sum by (@) (x)', 'sum by (==) (x)', 'sum by (,) (x)', 'sum by (a,,) (x)',
    'sum by (a b) (x)', 'sum by', 'sum by (a)', 'sum(', 'sum(a,b) )', 'sum by (a) (x, y) )', 'sum + 1',
    '1 + sum', 'sum{a="b"}', 'sum offset 5m', 'sum[5m]', 'min keep_common (foo)', 'min (foo) keep_common',
    'topk(5, foo) + bottomk(5, bar)', 'sum(foo) / on(a) group_left count(bar)',
]
CALLS = [
    'time()', 'pi()', 'abs(foo)', 'rate(foo[5m])', 'rate (foo[5m])', 'Rate(foo[5m])', 'rate(foo)', 'rate()',
    'rate(foo[5m], 1)', 'rate(foo[5m]', 'rate foo[5m]', 'rate(foo[5m],)', 'rate(foo[5m], )', 'rate(a,,b)',
    'f(a,,b)', 'unknown_fn()', 'unknown_fn(foo)', 'foo:bar()', 'a>b()', 'rate(avg)', 'time(foo)', 'pi(1)',
    'vector(1)', 'vector(foo)', 'vector()', 'scalar(foo)', 'scalar(1)', 'round(foo)', 'round(foo, 5)',
    'round(foo, 1, 2)', 'round(foo, "a")', 'round()', 'clamp(foo, 0, 1)', 'clamp(foo, 0)', 'clamp_min(foo, 0)',
    'clamp_max(foo, "a")', 'label_replace(foo, "a", "$1", "b", "(.*)")', 'label_replace(foo, "a", "b", "c")',
    'label_replace(foo, 1, "b", "c", "d")', 'label_join(foo, "a", "-")', 'label_join(foo, "a", "-", "b")',
    'label_join(foo, "a", "-", "b", "c", "d")', 'label_join(foo, "a", "-", 1)', 'label_join(foo, "a")',
    'hour()', 'hour(foo)', 'hour(foo, bar)', 'hour(1)', 'days_in_month(foo, bar, baz)', 'year()', 'month(foo)',
    'day_of_week()', 'day_of_month()', 'day_of_year()', 'minute()', 'histogram_quantile(0.9, rate(foo[5m]))',
    'histogram_quantile(foo, bar)', 'histogram_fraction(0, 1, foo)', 'histogram_count(foo)', 'histogram_sum(foo)',
    'holt_winters(foo[5m], 0.5, 0.5)', 'holt_winters(foo, 0.5, 0.5)', 'predict_linear(foo[5m], 60)',
    'predict_linear(foo, 60)', 'quantile_over_time(0.5, foo[5m])', 'quantile_over_time(foo[5m], 0.5)',
    'absent(foo)', 'absent(foo[5m])', 'absent_over_time(foo[5m])', 'absent_over_time(foo)', 'sort(foo)',
    'sort_desc(foo)', 'timestamp(foo)', 'timestamp(foo[5m])', 'exp(foo)', 'ln(foo)', 'log2(foo)', 'log10(foo)',
    'sqrt(foo)', 'ceil(foo)', 'floor(foo)', 'floor()', 'floor(foo, bar)', 'floor(foo, 1)', 'floor(1)', 'sgn(foo)',
    'deg(foo)', 'rad(foo)', 'sin(foo)', 'cos(foo)', 'tan(foo)', 'asin(foo)', 'acos(foo)', 'atan(foo)',
    'sinh(foo)', 'cosh(foo)', 'tanh(foo)', 'asinh(foo)', 'acosh(foo)', 'atanh(foo)', 'changes(foo[5m])',
    'resets(foo[5m])', 'delta(foo[5m])', 'idelta(foo[5m])', 'deriv(foo[5m])', 'increase(foo[5m])',
    'irate(foo[5m])', 'avg_over_time(foo[5m])', 'min_over_time(foo[5m])', 'max_over_time(foo[5m])',
    'sum_over_time(foo[5m])', 'count_over_time(foo[5m])', 'last_over_time(foo[5m])', 'present_over_time(foo[5m])',
    'stddev_over_time(foo[5m])', 'stdvar_over_time(foo[5m])', 'stddev_over_time(foo)', 'abs("a")', 'abs(foo[5m:])',
    'sort(time())', 'rate(rate(foo[5m])[5m:])', 'scalar(sum(foo)) * 2', 'label_replace(a, `b`, `c`, `d`, `.*`)',
]
MATCHERS = [
    'foo{a=b}', 'foo{a}', 'foo{a=}', 'foo{="b"}', 'foo{a!b}', 'foo{a!}', 'foo{,}', 'foo{,a="b"}',
    'foo{a="b" b="c"}', 'foo{a="b"}{c="d"}', '{a="b"}{c="d"}', 'foo{a:b="b"}', 'foo{a*"b"}', 'foo{1}',
    'foo{gibberish}', 'foo{a="b" =~}', 'foo{a="b" lol}', 'foo{a=="b"}', 'foo{__name__= =}', 'foo{', '{',
    '}', 'some}', 'foo{{}', 'foo{a=1}', 'foo{a=~1}', '{}', '{x=""}', '{x=~".*"}', '{x!~".+"}', '{x!="a"}',
    '{a=""}', '{a=~""}', '{a!=""}', 'foo{__name__="bar"}', 'foo{__name__="foo"}', 'foo{__name__!="foo"}',
    'foo{a="b", __name__=~"x"}', '{__name__="a", __name__="b"}', 'foo{a=~"("}', 'foo{a=~")"}', 'foo{a=~"["}',
    'foo{a=~"a**"}', 'foo{a=~"\\\\x"}', 'foo{a=~"a{2,1}"}', 'foo{a=~"a{1001}"}', 'foo{a=~"[z-a]"}',
    'foo{a=~"(?P<n>a"}', 'foo{a=~"(?<n>a)"}', 'foo{a=~"(?z)"}', 'foo{a=~"[[:foo:]]"}', 'foo{a=~"\\\\p{Foo}"}',
    'foo{a=~"x{2}{3}"}', 'foo{a=~"*"}', 'foo{a=~"+a"}', 'foo{a=~"(?P<>a)"}', 'foo{a=~"\\\\8"}',
    'foo{a=~"\\\\Q"}', 'foo{a=~"\\\\Qa.b\\\\E"}', 'foo{a=~"\\\\C"}', 'foo{a=~"a)b("}', 'foo{a=~"(a))"}',
    'foo{a=~"\\\\"}', 'foo{a!~"("}', 'foo{a=~"a{2,}{3,2}"}', 'foo{a="("}', 'foo{a="\\x80"}', 'foo{a="\\xff"}',
    'foo{a="é"}', 'foo{a="\x7f"}', 'foo{# c\na="b"}', 'foo{a!~".*", b="c"}',
]
LEXICAL = [
    '', '  ', '# just a comment', '# c\n\n', 'foo # c', 'foo # c\n + 1', '1 # c\n== 1', 'foo\n+\n', 'foo\n+',
    'a ==\n\n bool b', 'foo\tbar', 'foo\r\n+\r\nbar', '\nfoo\n', '.', '2.5.', '100..4', '(', ')', '(1))', '((1)',
    '[', ']', '{}', 'é', 'foo é', 'fooé', '\u00a0foo', '~', '$', '\\', '?', 'foo;', 'foo!', '!foo', '= foo',
    '-=', '++-++-+-+-<', 'e-+=/(0)', '1 +', '1+', '1 /', '*1', '*test', 'foo[5m] OFFSET 1', 'foo[5m] OFFSET',
    'foo[5m] OFFSET 1mm', 'foo OFFSET 1m[5m]', 'foo @ 1234 [5m]', '(foo + bar)[5m]', '(foo', 'foo)',
    'foo[5m:', 'foo[5m:5m',
]
LONG = [
    'sum by (job, instance, method, code, handler, le, namespace, pod) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))',
    'histogram_quantile(0.99, sum by (le, job, instance) (rate(http_request_duration_seconds_bucket{job="api", handler="/query"}[5m])))',
    'sum(rate(http_requests_total{job="api", code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 0.05',
    'label_replace(up{job="prometheus", instance="localhost:9090", environment="production"}, "host", "$1", "instance", "(.*):.*")',
    '(sum by (namespace) (container_memory_working_set_bytes{container!="", image!=""}) / on (namespace) group_left () sum by (namespace) (kube_pod_container_resource_limits{resource="memory"}))',
    'max_over_time(sum by (cluster, namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))[1h:1m]) offset 1d',
    '-sum by (job, instance, method, code, handler, le, namespace, pod) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))',
    'topk(10, sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{namespace="kube-system"}[5m])))',
    'count_values("version", build_info{job="my-very-long-job-name-for-testing", instance="some-very-long-instance-name:9100"})',
    'a_very_long_metric_name_number_one_for_testing_pretty_printing + on (instance) group_left (job) a_very_long_metric_name_number_two',
    'rate(a_very_long_metric_name_for_testing_the_pretty_printer_of_promql{label_one="value one", label_two="value two"}[5m:1m])',
    '(rate(a_very_long_metric_name_for_testing_the_pretty_printer_of_promql{label_one="value one", label_two="value two"}[5m]))',
    'sum(rate(a_very_long_metric_name_for_testing_the_pretty_printer_of_promql_abc[5m])) by (label_one, label_two, label_three)',
    'quantile(0.99, rate(a_very_long_metric_name_for_testing_the_pretty_printer_of_promql{label_one="value one"}[5m]))',
    'a_first_long_metric_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx > bool 10 and a_second_long_metric_name_xxxxxxxxxxxxxxxxxxxxxx < bool 20',
]

CASES = (SELECTORS + NUMBERS + STRINGS + DURATIONS + MODIFIERS + SUBQUERIES + BINARY + PRECEDENCE +
         AGGREGATIONS + CALLS + MATCHERS + LEXICAL + LONG)


def main():
    seen = set()
    for q in CASES:
        if q in seen:
            continue
        seen.add(q)
        data = urllib.parse.urlencode({"query": q}).encode()
        try:
            with urllib.request.urlopen(URL, data=data) as r:
                body = json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = json.loads(e.read())
        if body["status"] == "success":
            print(json.dumps([q, True, body["data"]]))
        else:
            err = body["error"]
            if err.startswith(PREFIX):
                err = err[len(PREFIX):]
            print(json.dumps([q, False, err]))


if __name__ == "__main__":
    sys.exit(main())
