#!/usr/bin/env python3
"""Random differential testing against Prometheus 2.42 (a development aid, not part of the
build): random data and random queries; a prometheus server's answers become the expectations
of a promqltest script (written to /tmp/pq/fuzz_SEED.test) for our runner to check.

  random_queries.py SEED [N]            instant and range queries via a server
  random_queries.py SEED [N] --stale    with stale markers, instant queries via promtool
                                        (/tmp/pq/fuzzs_SEED.test)

testdata/random_queries.test is seed 31 with 300 queries.
"""
import math, os, random, subprocess, sys
sys.argv, argv = ['x'], sys.argv
os.makedirs('/tmp/pq', exist_ok=True)
src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check_with_prometheus.py')).read().replace('\nmain()\n', '\n')
exec(src)

seed = int(argv[1]) if len(argv) > 1 else 1
nq = int(argv[2]) if len(argv) > 2 else 200
rng = random.Random(seed)

GAP = 15000
N = 121  # 0..30m

def gen_data():
    series = {}
    for job in ['a', 'b']:
        for inst in ['0', '1', '2']:
            v = rng.randint(0, 50)
            vals = []
            for i in range(N):
                if rng.random() < 0.02:
                    v = rng.randint(0, 5)  # reset
                else:
                    v += rng.choice([0, 1, 2, 5, 10])
                vals.append(None if rng.random() < 0.05 else float(v))
            series['c{job="%s", inst="%s"}' % (job, inst)] = vals
            vals = []
            for i in range(N):
                r = rng.random()
                if r < 0.1:
                    vals.append(None)
                elif r < 0.12:
                    vals.append(rng.choice([math.inf, -math.inf, math.nan, 0.0, -0.0]))
                else:
                    vals.append(round(rng.uniform(-20, 20), rng.choice([0, 1, 3])))
            series['g{job="%s", inst="%s"}' % (job, inst)] = vals
    for job in ['a', 'b']:
        cum = [0.0] * N
        for le in ['0.1', '0.5', '1', '5', '+Inf']:
            vals = []
            for i in range(N):
                cum[i] += rng.randint(0, 3) + (i * 0.5)
                vals.append(cum[i])
            series['h_bucket{job="%s", le="%s"}' % (job, le)] = vals
    return series

SEL = ['c', 'g', 'c{job="a"}', 'g{inst=~"0|1"}', 'c{inst!="2"}', '{__name__=~"c|g", job="b"}', 'h_bucket']
VEC_SEL = ['c', 'g', 'c{job="a"}', 'g{inst=~"0|1"}', 'c{inst!="2"}']
RANGES = ['30s', '1m', '2m', '5m', '90s']
RFUNCS = ['rate', 'increase', 'delta', 'irate', 'idelta', 'deriv', 'resets', 'changes',
          'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
          'last_over_time', 'present_over_time', 'stddev_over_time', 'stdvar_over_time']
AGGS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group']
IFUNCS = ['abs', 'ceil', 'floor', 'sgn', 'round', 'sqrt', 'ln', 'log2', 'exp', 'timestamp', 'sort', 'sort_desc']

def offset():
    r = rng.random()
    if r < 0.15: return ' offset ' + rng.choice(['1m', '30s', '5m', '-1m'])
    if r < 0.2: return ' @ ' + str(rng.choice([300, 600, 900.5]))
    if r < 0.23: return ' @ ' + rng.choice(['start()', 'end()'])
    return ''

def vec(depth):
    r = rng.random()
    if depth <= 0 or r < 0.25:
        return rng.choice(VEC_SEL) + offset()
    r = rng.random()
    if r < 0.25:
        f = rng.choice(RFUNCS)
        if rng.random() < 0.2:
            inner = '%s[%s:%s]' % (vec(depth - 1), rng.choice(['2m', '5m']), rng.choice(['', '30s', '1m', '20s']))
        else:
            inner = '%s[%s]%s' % (rng.choice(['c', 'g', 'c{job="b"}']), rng.choice(RANGES), offset())
        if rng.random() < 0.1:
            return 'quantile_over_time(%s, %s)' % (rng.choice(['0.5', '0.9', '0']), inner)
        if rng.random() < 0.08:
            return 'predict_linear(%s, %s)' % (inner, rng.choice(['60', '0', '-30']))
        if rng.random() < 0.05:
            return 'holt_winters(%s, 0.5, 0.3)' % inner
        return '%s(%s)' % (f, inner)
    if r < 0.45:
        a = rng.choice(AGGS + ['topk', 'bottomk', 'quantile', 'count_values'])
        g = rng.choice(['', ' by (job)', ' by (inst)', ' without (inst)', ' without (job)', ' by (job, inst)'])
        if a in ('topk', 'bottomk'):
            return '%s%s (%s, %s)' % (a, g, rng.choice(['1', '2']), vec(depth - 1))
        if a == 'quantile':
            return '%s%s (%s, %s)' % (a, g, rng.choice(['0.5', '0.25', '1']), vec(depth - 1))
        if a == 'count_values':
            return 'count_values%s ("v", round(%s))' % (g, vec(depth - 1))
        return '%s%s (%s)' % (a, g, vec(depth - 1))
    if r < 0.65:
        op = rng.choice(['+', '-', '*', '/', '%', '>', '<', '>=', '==', '!=', '> bool', '< bool', 'and', 'or', 'unless', '^'])
        if rng.random() < 0.4:
            s = rng.choice(['2', '0.5', 'scalar(sum(c))', 'time()', '-1'])
            if op in ('and', 'or', 'unless'):
                op = '*'
            return '%s %s %s' % (vec(depth - 1), op, s) if rng.random() < 0.5 else '%s %s %s' % (s, op, vec(depth - 1))
        m = rng.choice(['', ' on(job, inst)', ' ignoring(job)', ' on(job) group_left', ' on(inst) group_right', ' ignoring(inst) group_left'])
        if op in ('and', 'or', 'unless'):
            m = rng.choice(['', ' on(job)', ' ignoring(inst)'])
        return '(%s) %s%s (%s)' % (vec(depth - 1), op, m, vec(depth - 1))
    if r < 0.8:
        f = rng.choice(IFUNCS)
        return '%s(%s)' % (f, vec(depth - 1))
    if r < 0.85:
        return 'clamp(%s, -5, 10)' % vec(depth - 1)
    if r < 0.9:
        return 'label_replace(%s, "x", "$1-y", "inst", "(.*)")' % vec(depth - 1)
    if r < 0.92:
        return 'histogram_quantile(%s, rate(h_bucket[%s]))' % (rng.choice(['0.5', '0.9', '0.99']), rng.choice(RANGES))
    if r < 0.94:
        return 'absent(%s)' % vec(depth - 1)
    if r < 0.96:
        return 'label_join(%s, "x", ",", "job", "inst")' % vec(depth - 1)
    if r < 0.97:
        return 'absent_over_time(%s[%s])' % (rng.choice(['c{job="zz"}', 'g']), rng.choice(RANGES))
    if r < 0.98:
        return 'vector(%s)' % rng.choice(['time()', 'scalar(%s)' % vec(depth - 1), '1', 'pi()'])
    if r < 0.99:
        return '%s(%s)' % (rng.choice(['minute', 'hour', 'day_of_week', 'month', 'days_in_month']), rng.choice(['', vec(depth - 1)]))
    return 'max_over_time(%s[%s:%s])' % (vec(depth - 1), rng.choice(['3m', '10m']), rng.choice(['', '1m', '2m']))

def add_stale(series):
    for lab, vals in series.items():
        if lab.startswith('h_'):
            continue
        for i in range(len(vals)):
            if rng.random() < 0.03:
                vals[i] = 'stale'

def main_promtool():
    series = gen_data()
    add_stale(series)
    lines = ['load 15s']
    for lab, vals in series.items():
        lines.append('  %s %s' % (lab, ' '.join('_' if v is None else fmt(v) for v in vals)))
    lines.append('')
    seg = [('load', GAP, {labels_str(parse_labels(k)): v for k, v in series.items()}, 0)]
    evals = []
    for i in range(nq):
        q = vec(rng.choice([1, 2, 2, 3]))
        if 'predict_linear' in q and '@' in q:
            continue
        evals.append(('eval', 'eval', [rng.randint(0, 2000) * 1000], q, [], None, None, i))
    for (c, t), (kind, got) in run_segment(seg + evals):
        if kind == 'err':
            if 'parse error' in got:
                continue
            lines.append('eval_fail instant at %dms %s' % (t, c[3]))
            lines.append('  expected_fail_message ' + got)
        else:
            lines.append('eval instant at %dms %s' % (t, c[3]))
            for lab in sorted(got):
                lines.append('  %s %s' % (pretty_labels(lab), fmt_val(got[lab])))
        lines.append('')
    open('/tmp/pq/fuzzs_%d.test' % seed, 'w').write('\n'.join(lines) + '\n')

def main():
    if '--stale' in argv:
        return main_promtool()
    series = gen_data()
    lines = ['load 15s']
    for lab, vals in series.items():
        lines.append('  %s %s' % (lab, ' '.join('_' if v is None else fmt(v) for v in vals)))
    lines.append('')
    seg = [('load', GAP, {labels_str(parse_labels(k)): v for k, v in series.items()}, 0)]
    evals = []
    for i in range(nq):
        q = vec(rng.choice([1, 2, 2, 3]))
        if rng.random() < 0.5 and not ('predict_linear' in q and '@' in q) and 'start()' not in q and 'end()' not in q:
            t = rng.randint(0, 2000) * 1000
            evals.append(('eval', 'eval', [t], q, [], None, None, i))
        else:
            st = rng.randint(0, 1200) * 1000
            step = rng.choice([15000, 30000, 60000, 45000, 7000])
            en = st + step * rng.randint(0, 20)
            evals.append(('range', 'eval', (st, en, step), q, [], None, None, i))
    res = run_segment_server(seg + evals)
    for c, (kind, got) in res:
        if kind == 'err':
            if 'parse error' in got:
                continue
            if c[0] == 'eval':
                lines.append('eval_fail instant at %dms %s' % (c[2][0], c[3]))
            else:
                lines.append('eval_fail range from %dms to %dms step %dms %s' % (c[2][0], c[2][1], c[2][2], c[3]))
            lines.append('  expected_fail_message ' + got)
        elif kind == 'ok':
            lines.append('eval instant at %dms %s' % (c[2][0], c[3]))
            scalar = c[3].startswith('scalar(') and False
            for lab, v in got:
                lines.append('  %s %s' % (pretty_labels(lab), fmt_val(v)))
        elif kind == 'matrix':
            st, en, stp = c[2]
            lines.append('eval range from %dms to %dms step %dms %s' % (st, en, stp, c[3]))
            n = (en - st) // stp + 1
            for lab, pts in got:
                vals = ['_'] * n
                for t, v in pts:
                    vals[(t - st) // stp] = fmt_val(v)
                lines.append('  %s %s' % (pretty_labels(lab), ' '.join(vals)))
        lines.append('')
    open('/tmp/pq/fuzz_%d.test' % seed, 'w').write('\n'.join(lines) + '\n')

main()
