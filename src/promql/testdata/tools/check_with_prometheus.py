#!/usr/bin/env python3
"""Checks the expectations of promqltest scripts (src/promql/testdata/*.test) against real
Prometheus 2.42: a development aid, not part of the build. Needs `promtool` and `prometheus`
(Debian package prometheus 2.42) on PATH.

  check_with_prometheus.py FILE...           promtool test rules: every instant eval at its time,
                                             every range eval step by step as instant queries
                                             (so range-only semantics such as @ start() differ)
  check_with_prometheus.py --server FILE...  a prometheus server on 127.0.0.1 holding the same
                                             data (backfilled blocks): instant and range queries
                                             through the HTTP API, result order checked for
                                             eval_ordered; segments with stale markers are skipped
  --fix    rewrite mismatching instant expectations with Prometheus's values (review the diff!)
  --dump   print Prometheus's results instead of comparing

Note: promtool's storage returns series in creation order, so ties (topk) and error messages
naming series may differ from our sorted test storage; the server's block storage is sorted.
"""
import math, os, re, subprocess, sys, tempfile
from functools import reduce

def parse_duration(s):
    s = s.strip()
    if s == '0':
        return 0
    units = [('ms', 1), ('y', 365*86400000), ('w', 7*86400000), ('d', 86400000), ('h', 3600000), ('m', 60000), ('s', 1000)]
    total = 0
    pos = 0
    for m in re.finditer(r'(\d+)(ms|y|w|d|h|m|s)', s):
        if m.start() != pos:
            raise ValueError('bad duration ' + s)
        total += int(m.group(1)) * dict(units)[m.group(2)]
        pos = m.end()
    if pos != len(s):
        raise ValueError('bad duration ' + s)
    return total

def split_metric(line):
    """Returns (metric_text, rest)."""
    line = line.strip()
    i = 0
    in_q = None
    depth = 0
    while i < len(line):
        c = line[i]
        if in_q:
            if c == '\\':
                i += 2
                continue
            if c == in_q:
                in_q = None
        elif c in '"\'`':
            in_q = c
        elif c == '{':
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                return line[:i+1], line[i+1:].strip()
        elif c in ' \t' and depth == 0:
            return line[:i], line[i:].strip()
        i += 1
    return line, ''

def parse_labels(metric):
    name = ''
    m = metric.strip()
    brace = m.find('{')
    if brace < 0:
        return {'__name__': m} if m else {}
    name = m[:brace].strip()
    body = m[brace+1:-1]
    labels = {}
    if name:
        labels['__name__'] = name
    i = 0
    while i < len(body):
        while i < len(body) and body[i] in ' ,\t':
            i += 1
        if i >= len(body):
            break
        j = i
        while body[j] not in '=':
            j += 1
        k = body[i:j].strip()
        j += 1
        while body[j] in ' \t':
            j += 1
        q = body[j]
        j += 1
        v = ''
        while body[j] != q:
            if body[j] == '\\':
                nxt = body[j+1]
                v += {'n': '\n', 't': '\t', '\\': '\\', '"': '"', "'": "'"}.get(nxt, nxt)
                j += 2
                continue
            v += body[j]
            j += 1
        labels[k] = v
        i = j + 1
    return {k: v for k, v in labels.items() if v != ''}

def go_quote(s):
    out = '"'
    for c in s:
        if c == '"': out += '\\"'
        elif c == '\\': out += '\\\\'
        elif c == '\n': out += '\\n'
        elif c == '\t': out += '\\t'
        else: out += c
    return out + '"'

def labels_str(d):
    return '{' + ', '.join('%s=%s' % (k, go_quote(d[k])) for k in sorted(d)) + '}'

def parse_num(tok):
    t = tok.lower()
    if t in ('inf', '+inf'): return math.inf
    if t == '-inf': return -math.inf
    if t == 'nan': return math.nan
    return float(tok)

def expand_values(rest):
    out = []
    for tok in rest.split():
        m = re.fullmatch(r'(.+?)([+-])(.+)x(\d+)', tok)
        if tok == '_':
            out.append(None)
        elif tok == 'stale':
            out.append('stale')
        elif re.fullmatch(r'_x(\d+)', tok):
            out.extend([None] * int(tok[2:]))
        elif m and not re.fullmatch(r'[-+]?[0-9.eE+-]+', tok):
            a, sign, b, n = parse_num(m.group(1)), m.group(2), parse_num(m.group(3)), int(m.group(4))
            if sign == '-': b = -b
            k = a
            for _ in range(n + 1):
                out.append(k)
                k += b
        elif re.fullmatch(r'(.+)x(\d+)', tok):
            mm = re.fullmatch(r'(.+)x(\d+)', tok)
            v = parse_num(mm.group(1))
            out.extend([v] * (int(mm.group(2)) + 1))
        else:
            out.append(parse_num(tok))
    return out

def fmt(v):
    if v == 'stale': return 'stale'
    if math.isnan(v): return 'NaN'
    if math.isinf(v): return 'Inf' if v > 0 else '-Inf'
    return repr(v)

def parse_script(path):
    lines = [l.strip() for l in open(path).read().split('\n')]
    lines = ['' if l.startswith('#') else l for l in lines]
    segs = [[]]  # list of segments: each list of commands
    series = {}
    i = 0
    while i < len(lines):
        l = lines[i]
        if not l:
            i += 1
            continue
        word = l.split()[0]
        if word == 'clear':
            segs.append([])
        elif word == 'load':
            gap = parse_duration(l.split(None, 1)[1])
            defs = {}
            while i + 1 < len(lines) and lines[i+1]:
                i += 1
                metric, rest = split_metric(lines[i])
                defs[labels_str(parse_labels(metric))] = expand_values(rest)
            segs[-1].append(('load', gap, defs, i))
        elif word.startswith('eval'):
            m = re.match(r'(eval(?:_fail|_ordered)?)\s+instant\s+at\s+(\S+)\s+(.+)$', l)
            rng = re.match(r'(eval(?:_fail)?)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$', l)
            exp = []
            scalar = None
            fail_msg = None
            line_no = i + 1
            while i + 1 < len(lines) and lines[i+1]:
                i += 1
                el = lines[i]
                if el.startswith('expected_fail_message'):
                    fail_msg = el.split(None, 1)[1]
                    continue
                if el.startswith('expected_fail_regexp'):
                    continue
                try:
                    scalar = parse_num(el)
                    continue
                except ValueError:
                    pass
                metric, rest = split_metric(el)
                exp.append((labels_str(parse_labels(metric)), expand_values(rest)))
            if m:
                segs[-1].append(('eval', m.group(1), [parse_duration(m.group(2))], m.group(3), exp, scalar, fail_msg, line_no))
            elif rng:
                st, en, stp = parse_duration(rng.group(2)), parse_duration(rng.group(3)), parse_duration(rng.group(4))
                segs[-1].append(('range', rng.group(1), (st, en, stp), rng.group(5), exp, scalar, fail_msg, line_no))
            else:
                raise ValueError('bad eval line %d: %s' % (i + 1, l))
        i += 1
    return segs

def yaml_str(s):
    return "'" + s.replace("'", "''") + "'"

def run_segment(seg):
    # Collect samples.
    samples = {}
    for c in seg:
        if c[0] == 'load':
            gap, defs = c[1], c[2]
            for lab, vals in defs.items():
                s = samples.setdefault(lab, {})
                for k, v in enumerate(vals):
                    if v is not None:
                        s[k * gap] = v
    times = [t for s in samples.values() for t in s]
    evals = []
    for c in seg:
        if c[0] == 'eval':
            evals.append((c, c[2][0]))
        elif c[0] == 'range':
            st, en, stp = c[2]
            t = st
            while t <= en:
                evals.append((c, t))
                t += stp
    if not evals:
        return []
    g = reduce(math.gcd, [t for t in times if t > 0] + [60000], 0) if times else 60000
    maxt = max(times) if times else 0
    out = ['rule_files: []', 'evaluation_interval: 1m', 'tests:', '  - interval: %dms' % g, '    input_series:']
    for lab, s in samples.items():
        n = maxt // g + 1
        vals = ['_'] * n
        for t, v in s.items():
            vals[t // g] = fmt(v)
        # Trim trailing _.
        while vals and vals[-1] == '_':
            vals.pop()
        out.append('      - series: %s' % yaml_str(lab))
        out.append('        values: %s' % yaml_str(' '.join(vals)))
    out.append('    promql_expr_test:')
    for c, t in evals:
        out.append('      - expr: %s' % yaml_str(c[3]))
        out.append('        eval_time: %dms' % t)
        out.append("        exp_samples: [{labels: '{__oracle__=\"x\"}', value: 0}]")
    # Force loading all samples.
    out.append('      - expr: vector(1)')
    out.append('        eval_time: %dms' % (maxt + 3600000 + max([t for _, t in evals] + [0])))
    out.append('        exp_samples: [{labels: "{}", value: 1}]')
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        f.write('\n'.join(out) + '\n')
        name = f.name
    r = subprocess.run(['promtool', 'test', 'rules', name], capture_output=True, text=True)
    os.unlink(name)
    text = r.stdout + r.stderr
    # Parse results.
    results = []
    blocks = re.split(r'\n    expr: ', '\n' + text)
    for b in blocks[1:]:
        if ', err: ' in b.split('\n')[0]:
            results.append(('err', b.split(', err: ', 1)[1].split('\n')[0]))
            continue
        got = re.search(r'got: (.*)', b).group(1)
        results.append(('ok', parse_got(got)))
    if len(results) != len(evals):
        print('PROMTOOL OUTPUT MISMATCH (%d results for %d evals)' % (len(results), len(evals)))
        print(text[:3000])
        sys.exit(2)
    return list(zip(evals, results))

def parse_got(got):
    if got.strip() == 'nil':
        return {}
    res = {}
    # Entries: {labels} value, separated by ", " at top level.
    i = 0
    while i < len(got):
        j = got.index('{', i)
        depth = 0
        k = j
        in_q = False
        while True:
            ch = got[k]
            if in_q:
                if ch == '\\': k += 1
                elif ch == '"': in_q = False
            elif ch == '"': in_q = True
            elif ch == '}':
                break
            k += 1
        lab = got[j:k+1]
        rest = got[k+1:]
        m = re.match(r' (\S+?)(,|$)', rest)
        val = m.group(1)
        res[labels_str(parse_labels(lab))] = float(val.replace('E', 'e')) if val not in ('NaN', '+Inf', '-Inf') else {'NaN': math.nan, '+Inf': math.inf, '-Inf': -math.inf}[val]
        i = k + 1 + m.end()
    return res


import json, socket, time, urllib.request, urllib.parse, shutil, atexit

class Server:
    def __init__(self, samples):
        self.dir = tempfile.mkdtemp(prefix='promoracle')
        om = []
        byname = {}
        for lab, s in samples.items():
            d = parse_labels(lab)
            byname.setdefault(d.get('__name__', ''), []).append((d, s))
        for name, lst in byname.items():
            om.append('# TYPE %s unknown' % name)
            for d, s in lst:
                rest = {k: v for k, v in d.items() if k != '__name__'}
                ls = '{' + ','.join('%s=%s' % (k, go_quote(rest[k])) for k in sorted(rest)) + '}' if rest else ''
                for t in sorted(s):
                    v = s[t]
                    om.append('%s%s %s %s' % (name, ls, fmt(v).replace('Inf', '+Inf').replace('-+Inf', '-Inf').replace('++Inf', '+Inf'), '%.3f' % (t / 1000.0)))
        om.append('# EOF')
        open(self.dir + '/in.om', 'w').write('\n'.join(om) + '\n')
        r = subprocess.run(['promtool', 'tsdb', 'create-blocks-from', 'openmetrics', self.dir + '/in.om', self.dir + '/data'], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stdout + r.stderr)
        open(self.dir + '/prom.yml', 'w').write('global:\n  evaluation_interval: 1m\n')
        sock = socket.socket(); sock.bind(('127.0.0.1', 0)); self.port = sock.getsockname()[1]; sock.close()
        self.proc = subprocess.Popen(['prometheus', '--config.file=' + self.dir + '/prom.yml', '--storage.tsdb.path=' + self.dir + '/data',
            '--web.listen-address=127.0.0.1:%d' % self.port, '--storage.tsdb.retention.time=100000d', '--log.level=error'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(self.close)
        for _ in range(200):
            try:
                urllib.request.urlopen('http://127.0.0.1:%d/-/ready' % self.port, timeout=1)
                break
            except Exception:
                time.sleep(0.1)
    def close(self):
        if self.proc:
            self.proc.kill(); self.proc.wait(); self.proc = None
            shutil.rmtree(self.dir, ignore_errors=True)
    def query(self, path, params):
        url = 'http://127.0.0.1:%d/api/v1/%s?%s' % (self.port, path, urllib.parse.urlencode(params))
        try:
            body = urllib.request.urlopen(url, timeout=30).read()
        except urllib.error.HTTPError as e:
            body = e.read()
        return json.loads(body)

def sv(x):
    return {'NaN': math.nan, '+Inf': math.inf, '-Inf': -math.inf}.get(x) if x in ('NaN', '+Inf', '-Inf') else float(x)

def run_segment_server(seg):
    samples = {}
    for c in seg:
        if c[0] == 'load':
            gap, defs = c[1], c[2]
            for lab, vals in defs.items():
                s = samples.setdefault(lab, {})
                for k, v in enumerate(vals):
                    if v is not None:
                        s[k * gap] = v
    if any(v == 'stale' for s in samples.values() for v in s.values()):
        return None
    evals = [c for c in seg if c[0] in ('eval', 'range')]
    if not evals:
        return []
    srv = Server(samples) if samples else None
    out = []
    for c in evals:
        if srv is None:
            out.append((c, ('skip', None)))
            continue
        if c[0] == 'eval':
            r = srv.query('query', {'query': c[3], 'time': '%.3f' % (c[2][0] / 1000.0)})
        else:
            st, en, stp = c[2]
            r = srv.query('query_range', {'query': c[3], 'start': '%.3f' % (st / 1000.0), 'end': '%.3f' % (en / 1000.0), 'step': '%.3f' % (stp / 1000.0)})
        if r['status'] != 'success':
            out.append((c, ('err', r['error'])))
            continue
        d = r['data']
        if d['resultType'] == 'scalar':
            out.append((c, ('ok', [('{}', sv(d['result'][1]))])))
        elif d['resultType'] == 'vector':
            out.append((c, ('ok', [(labels_str(e['metric']), sv(e['value'][1])) for e in d['result']])))
        elif d['resultType'] == 'matrix':
            out.append((c, ('matrix', [(labels_str(e['metric']), [(round(float(p[0]) * 1000), sv(p[1])) for p in e['values']]) for e in d['result']])))
        else:
            out.append((c, ('other', d)))
    if srv:
        srv.close()
    return out

def check_server(path, seg_results):
    bad = 0
    for c, (kind, got) in seg_results:
        mode, expr, exp, scalar, line = c[1], c[3], c[4], c[5], c[7]
        where = '%s:%d %s' % (os.path.basename(path), line, expr)
        if kind == 'skip':
            continue
        if mode == 'eval_fail':
            if kind != 'err':
                bad += 1; print('SHOULD FAIL', where, got)
            elif c[6] is not None and c[6] != got:
                bad += 1; print('FAIL MESSAGE', where, '\n   prom:', got, '\n   ours:', c[6])
            continue
        if kind == 'err':
            bad += 1; print('PROM ERROR', where, got); continue
        if c[0] == 'eval':
            want = [(l, v[0]) for l, v in exp]
            if scalar is not None:
                want = [('{}', scalar)]
            ok = sorted(l for l, _ in want) == sorted(l for l, _ in got) and all(almost_equal(dict(want)[l], v) for l, v in got)
            if ok and mode == 'eval_ordered':
                ok = [l for l, _ in want] == [l for l, _ in got]
            if not ok:
                bad += 1
                print('MISMATCH', where)
                print('   want', want)
                print('   got ', got)
        else:
            st, en, stp = c[2]
            want = {}
            for l, vals in exp:
                want[l] = [(st + k * stp, v) for k, v in enumerate(vals) if v is not None]
            g = dict(got)
            ok = set(want) == set(g) and all(len(want[l]) == len(g[l]) and all(a[0] == b[0] and almost_equal(a[1], b[1]) for a, b in zip(want[l], g[l])) for l in want)
            if not ok:
                bad += 1
                print('MISMATCH', where)
                for l in sorted(set(want) | set(g)):
                    print('   ', l, 'want', want.get(l), '\n      got ', g.get(l))
    return bad

def almost_equal(a, b):
    if math.isnan(a) and math.isnan(b): return True
    if a == b: return True
    diff = abs(a - b)
    mn = 2.2250738585072014e-308
    if a == 0 or b == 0 or diff < mn:
        return diff < 1e-6 * mn
    return diff / (abs(a) + abs(b)) < 1e-6

def fmt_val(v):
    if isinstance(v, float) and math.isnan(v): return 'NaN'
    if v == math.inf: return '+Inf'
    if v == -math.inf: return '-Inf'
    r = repr(float(v))
    if r.endswith('.0'): r = r[:-2]
    return r

def pretty_labels(lab):
    d = parse_labels(lab)
    name = d.pop('__name__', '')
    return name + '{' + ', '.join('%s=%s' % (k, go_quote(d[k])) for k in sorted(d)) + '}'

def main():
    dump = '--dump' in sys.argv
    fix = '--fix' in sys.argv
    fixes = {}
    paths = [a for a in sys.argv[1:] if not a.startswith('--')]
    bad = 0
    total = 0
    if '--server' in sys.argv:
        for path in paths:
            for seg in parse_script(path):
                res = run_segment_server(seg)
                if res is None:
                    print('(segment with stale markers skipped)')
                    continue
                total += len(res)
                bad += check_server(path, res)
        print('%d evaluations checked against the server, %d mismatches' % (total, bad))
        sys.exit(1 if bad else 0)
    for path in paths:
        for seg in parse_script(path):
            for (c, t), (kind, got) in run_segment(seg):
                total += 1
                mode, expr, exp, scalar, line = c[1], c[3], c[4], c[5], c[7]
                where = '%s:%d @%dms %s' % (os.path.basename(path), line, t, expr)
                if dump:
                    print(where, '=>', kind, got)
                    continue
                if mode == 'eval_fail':
                    if kind != 'err':
                        bad += 1
                        print('SHOULD FAIL', where, got)
                    elif c[6] is not None and c[6] != got:
                        bad += 1
                        print('FAIL MESSAGE', where, '\n   prom:', got, '\n   ours:', c[6])
                    continue
                if kind == 'err':
                    bad += 1
                    print('PROM ERROR', where, got)
                    continue
                want = {}
                if scalar is not None:
                    want['{}'] = scalar
                for lab, vals in exp:
                    if c[0] == 'eval':
                        want[lab] = vals[0]
                    else:
                        k = (t - c[2][0]) // c[2][2]
                        if k < len(vals) and vals[k] is not None:
                            want[lab] = vals[k]
                ok = set(want) == set(got) and all(almost_equal(want[k], got[k]) for k in want)
                if not ok and fix and c[0] == 'eval' and mode != 'eval_ordered':
                    fixes.setdefault(path, []).append((line, got, scalar is not None))
                if not ok:
                    bad += 1
                    print('MISMATCH', where)
                    for k in sorted(set(want) | set(got)):
                        w = want.get(k, '-'); g = got.get(k, '-')
                        mark = '' if (k in want and k in got and almost_equal(w, g)) else '   <<<'
                        print('   %s want %s got %r%s' % (k, w, g, mark))
    for path, fl in fixes.items():
        lines = open(path).read().split('\n')
        for line, got, is_scalar in sorted(fl, key=lambda x: -x[0]):
            j = line  # index of first expectation line (0-based = line)
            k = j
            while k < len(lines) and lines[k].strip():
                k += 1
            new = []
            if is_scalar and list(got.keys()) == ['{}']:
                new.append('  ' + fmt_val(got['{}']))
                got = {}
            for lab in sorted(got):
                new.append('  %s %s' % (pretty_labels(lab), fmt_val(got[lab])))
            lines[j:k] = new
        open(path, 'w').write('\n'.join(lines))
        print('fixed', len(fl), 'evals in', path)
    print('%d evaluations checked, %d mismatches' % (total, bad))
    sys.exit(1 if bad else 0)

main()
