#!/usr/bin/env python3
"""Validate the hand-labelled development set (tests/devset).

Works on the merged set (articles.jsonl / claims.jsonl beside this file) or on one
writer's part files (_parts/<PREFIX>_articles.jsonl, _parts/<PREFIX>_claims.jsonl):

    python3 check.py               # merged set
    python3 check.py --part r      # part files of writer r

Checks (failures, exit 1)
  * articles: unique id "<file stem>#<n>", file exists in corpus/, the stem matches,
    title equals the line at start_line (untitled: start_line is a non-blank line),
    end_line equals the range rule (line before the next article's start_line in the
    same file, or the file's last line), region/province/tier/date/year/kind/
    year_source well-formed, date year == year.
  * claims: article exists, metric/approx/value well-formed, rate and is_part only
    ever true, rate only on funds, quote occurs verbatim inside the article's range.
Unknown kinds and missing year_source/region_basis are warnings, so part files written
before those fields were required still run.
Warnings (not failures): quote occurs more than once in its range, quote's number does
not parse to the value, approx marker disagrees with approx.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')

METRICS = ['honour_national', 'honour_provincial', 'funds',
           'people_resettled', 'children_schooled']
SHORT = {'honour_national': 'hon_nat', 'honour_provincial': 'hon_prov',
         'funds': 'funds', 'people_resettled': 'people', 'children_schooled': 'children'}
APPROX = {'exact', 'about', 'over'}
TIERS = {'province', 'prefecture', 'county'}
YEAR_SOURCES = {'stated', 'inferred', None}
KINDS = {'work_report', 'resettlement', 'journal', 'province', 'compilation', 'honours',
         'news', 'newspaper', 'gov_post', 'traditional', 'body_region', 'venue', 'unit_name',
         'template'}


def read_lines(path):
    text = open(path, encoding='utf-8').read()
    lines = text.split('\n')
    if text.endswith('\n'):
        lines = lines[:-1]
    return lines


def load_jsonl(path):
    out = []
    with open(path, encoding='utf-8') as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                out.append((n, json.loads(line)))
    return out


CN = {'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
      '六': 6, '七': 7, '八': 8, '九': 9}
CNU = {'十': 10, '百': 100, '千': 1000}


def cn2num(s):
    total, cur = 0, 0
    for ch in s:
        if ch in CN:
            cur = CN[ch]
        elif ch in CNU:
            total += (cur or 1) * CNU[ch]
            cur = 0
    return total + cur


NUM_RE = re.compile(r'(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)')


TRAD = str.maketrans({'萬': '万', '億': '亿', '餘': '余', '兩': '两', '約': '约'})


def parse_value(quote, metric):
    q = quote.replace(' ', '').replace('\n', '').translate(TRAD)
    m = NUM_RE.search(q)
    if not m:
        return None
    tok = m.group(1)
    val = float(tok) if tok[0].isdigit() else cn2num(tok)
    rest = q[m.end():]
    rest = re.sub(r'^[余多]', '', rest)
    mult = 1
    mm = re.match(r'^(千万|万|亿|千)', rest)
    if mm and (metric == 'funds' or mm.group(1) in ('万', '亿')):
        mult = {'千万': 10 ** 7, '万': 10 ** 4, '亿': 10 ** 8, '千': 10 ** 3}[mm.group(1)]
    v = val * mult
    return int(round(v)) if abs(v - round(v)) < 1e-6 else v


def approx_of(quote):
    quote = quote.translate(TRAD)
    a = set()
    if re.search(r'约|近|左右|大约', quote):
        a.add('about')
    if re.search(r'余|多|以上|超|逾', quote):
        a.add('over')
    return a


def main():
    if '--part' in sys.argv:
        p = sys.argv[sys.argv.index('--part') + 1]
        art_path = os.path.join(HERE, '_parts', f'{p}_articles.jsonl')
        clm_path = os.path.join(HERE, '_parts', f'{p}_claims.jsonl')
    else:
        art_path = os.path.join(HERE, 'articles.jsonl')
        clm_path = os.path.join(HERE, 'claims.jsonl')

    files = {fn: read_lines(os.path.join(CORPUS, fn))
             for fn in os.listdir(CORPUS) if fn.endswith('.txt')}
    failures, warnings = [], []
    arts = load_jsonl(art_path)
    by_id, per_file = {}, defaultdict(list)
    for n, a in arts:
        aid = a.get('article')
        if aid in by_id:
            failures.append(f'articles:{n}: duplicate article id {aid}')
        by_id[aid] = a
        per_file[a.get('file')].append(a)
        if a.get('file') not in files:
            failures.append(f'{aid}: unknown corpus file {a.get("file")}')
            continue
        if not aid or aid.split('#')[0] != a['file'][:-4]:
            failures.append(f'{aid}: id does not start with the file stem')
    rng = {}
    for fn, lst in per_file.items():
        if fn not in files:
            continue
        lines = files[fn]
        lst.sort(key=lambda x: x['start_line'])
        for i, a in enumerate(lst):
            s = a['start_line']
            e = lst[i + 1]['start_line'] - 1 if i + 1 < len(lst) else len(lines)
            rng[a['article']] = (s, e)
            if a.get('end_line') != e:
                failures.append(f'{a["article"]}: end_line {a.get("end_line")} != {e}')
            line = lines[s - 1] if 0 < s <= len(lines) else None
            if a.get('title') is None:
                if not line or not line.strip():
                    failures.append(f'{a["article"]}: untitled but line {s} is blank')
            elif line != a['title']:
                failures.append(f'{a["article"]}: title != line {s}: {line!r}')
    for _, a in arts:
        aid = a.get('article')
        if a.get('real') is not True and a.get('real') is not False:
            failures.append(f'{aid}: real must be true/false')
        if a.get('region') is not None and not isinstance(a.get('region'), str):
            failures.append(f'{aid}: bad region')
        if a.get('region') and not a.get('province'):
            failures.append(f'{aid}: region without province')
        if a.get('tier') not in TIERS and not (a.get('region') is None and a.get('tier') is None):
            failures.append(f'{aid}: bad tier {a.get("tier")}')
        d, y = a.get('date'), a.get('year')
        if d is not None and not re.fullmatch(r'\d{4}-\d{2}-\d{2}', str(d)):
            failures.append(f'{aid}: bad date {d}')
        if y is not None and not isinstance(y, int):
            failures.append(f'{aid}: bad year {y}')
        if d and y != int(d[:4]):
            failures.append(f'{aid}: year {y} != date year')
        if a.get('year_source') not in YEAR_SOURCES:
            warnings.append(f'{aid}: bad year_source {a.get("year_source")}')
        if (y is None) != (a.get('year_source') is None):
            warnings.append(f'{aid}: year and year_source must both be null or both set')
        if a.get('kind') not in KINDS:
            warnings.append(f'{aid}: bad kind {a.get("kind")}')
        if not a.get('region_basis'):
            warnings.append(f'{aid}: no region_basis')

    claims = load_jsonl(clm_path)
    counts = defaultdict(Counter)
    seen = Counter()
    for n, c in claims:
        where = f'claims:{n} ({c.get("article")} {c.get("metric")} {c.get("value")})'
        aid = c.get('article')
        if aid not in by_id or aid not in rng:
            failures.append(f'{where}: unknown article')
            continue
        if c.get('metric') not in METRICS:
            failures.append(f'{where}: bad metric')
            continue
        if c.get('approx') not in APPROX:
            failures.append(f'{where}: bad approx {c.get("approx")}')
        v = c.get('value')
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
            failures.append(f'{where}: bad value')
        if 'rate' in c and (c['rate'] is not True or c['metric'] != 'funds'):
            failures.append(f'{where}: rate must be true and only on funds')
        if 'is_part' in c and c['is_part'] is not True:
            failures.append(f'{where}: is_part must be true when present')
        q = c.get('quote') or ''
        if not NUM_RE.search(q):
            failures.append(f'{where}: quote has no number: {q!r}')
        a = by_id[aid]
        s, e = rng[aid]
        text = '\n'.join(files[a['file']][s - 1:e])
        k = text.count(q) if q else 0
        if k == 0:
            whole = '\n'.join(files[a['file']])
            extra = ' (found elsewhere in the file)' if q and q in whole else ''
            failures.append(f'{where}: quote not in lines {s}-{e}{extra}: {q!r}')
        elif k > 1:
            warnings.append(f'{where}: quote occurs {k}x in its article: {q!r}')
        seen[(aid, q)] += 1
        pv = parse_value(q, c['metric'])
        if pv is None or (isinstance(v, (int, float)) and abs(pv - v) > 1e-6):
            warnings.append(f'{where}: quote parses to {pv}: {q!r}')
        ap = approx_of(q)
        if (c.get('approx') == 'exact' and ap) or (c.get('approx') != 'exact' and c.get('approx') not in ap):
            warnings.append(f'{where}: approx {c.get("approx")} vs markers {sorted(ap)} in {q!r}')
        counts[aid][c['metric']] += 1
    for (aid, q), k in seen.items():
        if k > 1:
            warnings.append(f'{aid}: same quote used by {k} claims: {q!r}')

    hdr = f'{"article":34} {"kind":12} {"region":14} ' + ' '.join(f'{SHORT[m]:>8}' for m in METRICS) + '   all'
    print(hdr)
    print('-' * len(hdr))
    tot, kinds = Counter(), Counter()
    for _, a in arts:
        row = counts[a['article']]
        tot.update(row)
        kinds[a.get('kind')] += 1
        print(f'{a["article"]:34} {str(a.get("kind")):12} {str(a.get("region")):14} '
              + ' '.join(f'{row[m]:>8}' for m in METRICS) + f'   {sum(row.values()):>3}')
    print('-' * len(hdr))
    print(f'{"TOTAL":34} {"":12} {"":14} ' + ' '.join(f'{tot[m]:>8}' for m in METRICS)
          + f'   {sum(tot.values()):>3}')
    ndocs = len({a['file'] for _, a in arts})
    print(f'\n{ndocs} documents, {len(arts)} articles, {len(claims)} claims; kinds: '
          + ', '.join(f'{k}={v}' for k, v in sorted(kinds.items(), key=lambda x: str(x[0]))))
    if warnings:
        print(f'\n{len(warnings)} warning(s):')
        for w in warnings:
            print('  WARN', w)
    if failures:
        print(f'\n{len(failures)} FAILURE(S):')
        for f in failures:
            print('  FAIL', f)
        sys.exit(1)
    print('\nOK')


if __name__ == '__main__':
    main()
