/**
 * The cases jobx's template engine is compared on against python3's jinja2: hand-written
 * cases for every construct of the language templates use, and a generated corpus that
 * applies every builtin filter and test (the names come from jinja2's own FILTERS and
 * TESTS tables, read at test time) to a matrix of values and arguments, plus printf-style
 * and str.format formatting and float printing.
 */

export interface Case {
  template: string;
  context?: Record<string, unknown>;
  /**
   * What jobx must do: render the same bytes as jinja2 (the default), or refuse by name
   * (an error whose message contains this text) where jinja2 renders something jobx
   * deliberately does not (an undefined value printed as "", a generator's address, …).
   */
  refused?: string;
}

/** The constructs of the language, one case each; jinja2 renders every one without error. */
export const HAND_CASES: Case[] = [
  // Python printing
  { template: "{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}" },
  { template: "{{ [1, 2, 3] }} {{ [] }} {{ ['a', \"b'c\", 'd\"e'] }} {{ [none, true, 1.5] }}" },
  { template: "{{ (1,) }} {{ (1, 2) }} {{ () }} {{ ((1, 2), [3]) }}" },
  { template: "{{ {'a': 1, 'b': [1, 2]} }} {{ {} }} {{ {1: 'x', 2.5: none} }}" },
  { template: "{{ [1, 2]|list }} {{ [3, 1]|sort }} {{ 'ab'|list }} {{ {'k': 'v'}.items() }} {{ {'k': 'v'}.keys() }} {{ {'k': 'v'}.values() }}" },
  { template: "{{ range(3) }} {{ range(1, 10, 2) }} {{ range(3)|list }}" },
  { template: "{{ 'tab\\there' }} {{ ['tab\\there', 'nl\\n', 'uni é ✓ \\u200b'] }}" },
  { template: "{{ x }} {{ y }} {{ z }}", context: { x: [1, "a", null, true, { k: [2.5] }], y: { nested: { a: [] } }, z: 2.5 } },
  // Numbers
  { template: "{{ 3.14159|round }} {{ 3|round }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1234|round(-2) }} {{ 1250|round(-2) }}" },
  { template: "{{ 3.7|round(method='floor') }} {{ 3.2|round(method='ceil') }} {{ 3.14159|round(2, 'floor') }} {{ -2.5|round }}" },
  { template: "{{ 1 / 2 }} {{ 4 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }}" },
  { template: "{{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 1.5e-5 }} {{ 0.0001 }} {{ 100.0 }} {{ -0.0 }} {{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }}" },
  { template: "{{ true + 1 }} {{ true * 3 }} {{ -true }} {{ 3 * 'ab' }} {{ [1] * 3 }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ (1,) + (2,) }}" },
  { template: "{{ -1|abs }} {{ - 2 ** 2 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 10 - 2 - 3 }} {{ 2 ** 3 ** 2 }}" },
  // Comparison and logic
  { template: "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 != 2 }} {{ 2 in [1, 2] }} {{ 'b' in 'abc' }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }}" },
  { template: "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ [] or 'empty' }} {{ none or 0 }} {{ not [] }} {{ 'a' if [] else 'b' }} {{ '' and 'never' }}" },
  { template: "{% if [] %}a{% elif {} %}b{% elif 0.0 %}c{% elif '' %}d{% else %}e{% endif %}" },
  // Strings
  { template: "{{ 'a' 'b' \"c\" }} {{ 'x' ~ 1 ~ none ~ true }} {{ 'it''s' }} {{ \"q\\\"\" }} {{ 'a\\\\b' }}" },
  { template: "{{ 'héllo'|length }} {{ '😀x'|length }} {{ '😀x'|reverse }} {{ '😀x'[1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[::-2] }} {{ [1, 2, 3, 4][-1] }} {{ [1, 2, 3][5]|default('none') }}" },
  { template: "{{ 'Hello World'.upper() }} {{ 'x,y,,z'.split(',') }} {{ ' a  b '.split() }} {{ 'a-b-c'.rsplit('-', 1) }} {{ 'abc'.startswith('a') }} {{ 'abc'.endswith(('x', 'c')) }} {{ '  x '.strip() }} {{ 'xxhixx'.strip('x') }}" },
  { template: "{{ 'a b'.replace(' ', '_') }} {{ 'abc'.find('c') }} {{ 'abc'.count('b') }} {{ 'x'.center(7, '*') }} {{ 'x'.ljust(3) }}| {{ '5'.zfill(3) }} {{ '-5'.zfill(4) }} {{ 'a:b:c'.partition(':') }} {{ 'hello world'.title() }} {{ 'ABC'.lower() }} {{ 'aBc'.swapcase() }}" },
  { template: "{{ '{} and {}'.format(1, 'two') }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='x') }} {{ '{:>6}|{:<6}|{:^6}|'.format('a', 'b', 'c') }} {{ '{:08.3f}'.format(3.14159) }} {{ '{:,}'.format(1234567) }} {{ '{!r}'.format('q') }}" },
  { template: "{{ '123'.isdigit() }} {{ 'abc'.isalpha() }} {{ 'abc'.islower() }} {{ 'ABC'.isupper() }} {{ '  '.isspace() }} {{ 'Hello World'.istitle() }} {{ 'line1\\nline2'.splitlines() }} {{ '-'.join(['a', 'b']) }}" },
  // % formatting
  { template: "{{ '%03d' % 7 }} {{ '%-6s|' % 'ab' }} {{ '%s-%s' % (1, 2) }} {{ '%x' % 255 }} {{ '%X' % 255 }} {{ '%e' % 12345.678 }} {{ '%+d' % 5 }} {{ '%5.1f' % 3.14159 }} {{ '%%' % () }} {{ '%(a)s=%(b)d' % {'a': 'x', 'b': 2} }}" },
  { template: "{{ '%03d' % shard }} {{ '%-6s|' % item }} {{ 'shard-%04d' % shard }}", context: { shard: 7, item: "ab" } },
  { template: "{{ '%s' % [1, 2] }} {{ '%r' % 'x' }} {{ '%c' % 65 }} {{ '%.2s' % 'abc' }} {{ '%5s' % none }} {{ '%d' % 3.9 }} {{ '%.3g' % 1234.5 }} {{ '%g' % 0.00001 }} {{ '%#o' % 8 }} {{ '% d' % 5 }}" },
  { template: "{{ '%s items' | format(3) }} {{ '%(n)s!' | format(n='x') }} {{ 'none' | format() }}" },
  // Loops
  { template: "{% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}" },
  { template: "{% for x in 'abc' %}{{ loop.cycle('odd', 'even') }}:{{ loop.previtem|default('-') }}<{{ loop.nextitem|default('-') }}>{% endfor %}" },
  { template: "{% for x in [1, 1, 2, 3, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}" },
  { template: "{% for x in [] %}never{% else %}empty{% endfor %} {% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }},{% endfor %}" },
  { template: "{% for x in range(10) if x is odd %}{{ x }}{{ loop.index }}/{{ loop.length }} {% endfor %}" },
  { template: "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {% for (a, b), c in [((1, 2), 3)] %}{{ a }}{{ b }}{{ c }}{% endfor %}" },
  { template: "{% for row in [[1, 2], [3, 4]] %}{% for cell in row %}{{ loop.depth }}{{ cell }}{% endfor %}{% endfor %}" },
  { template: "{% for item in tree recursive %}[{{ item.name }}{% if item.children %}{{ loop(item.children) }}{% endif %}@{{ loop.depth }}]{% endfor %}", context: { tree: [{ name: "a", children: [{ name: "b", children: [] }, { name: "c" }] }, { name: "d" }] } },
  // Scoping of set
  { template: "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = i * 10 %}{{ x }},{% endfor %}{{ x }}" },
  { template: "{% for i in [1, 2] %}{% if i == 1 %}{% set y = 'a' %}{% endif %}{{ y|default('-') }}{% endfor %}|{{ y|default('+') }}" },
  { template: "{% if true %}{% set z = 1 %}{% endif %}{{ z }} {% with %}{% set w = 2 %}{% endwith %}{{ w|default('scoped') }}" },
  { template: "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t = 1, 2 %}{{ t }} {% set c, (d, e) = 'x', 'yz' %}{{ c }}{{ d }}{{ e }}" },
  { template: "{% set block %}inside {{ 1 + 1 }}{% endset %}[{{ block }}] {% set up | upper %}shout{% endset %}{{ up }}" },
  { template: "{% set ns = namespace(total=0, seen=[]) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns }}" },
  { template: "{% set x = 5 %}{% with x = x + 1, y = x %}{{ x }}{{ y }}{% endwith %}{{ x }}" },
  // Macros
  { template: "{% macro m(a, b='B', c=none) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }} {{ m(1, 2) }} {{ m(1, c=3) }} {{ m(a='k') }}" },
  { template: "{% macro v() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ v(1, 2, x=3) }} {{ v() }}" },
  { template: "{% macro d(a, b=a * 2) %}{{ b }}{% endmacro %}{{ d(3) }}" },
  { template: "{% set x = 'outer' %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 'later' %}{{ m() }}" },
  { template: "{% macro m(x) %}{{ x }}{% set x = 'changed' %}{{ x }}{% endmacro %}{% set x = 'top' %}{{ m('arg') }}{{ x }}" },
  { template: "{% macro item(x) %}<{{ x }}>{% endmacro %}{% for x in [1, 2] %}{{ item(x * 10) }}{{ x }}{% endfor %}" },
  { template: "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold{% endcall %}" },
  { template: "{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(v) each([1, 2]) %}[{{ v }}]{% endcall %}" },
  { template: "{% macro box(w) %}{{ w }}{% endmacro %}{{ box(1)|indent(2, true) }} {{ box|default('x') is callable }}" },
  // with, raw, filter blocks, block
  { template: "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}" },
  { template: "{% raw %}{{ not rendered }}{% if %}{% endraw %} {%- raw -%}  {{ x }}  {%- endraw -%} ." },
  { template: "{% filter upper %}hello {{ 'world' }}{% endfilter %} {% filter upper|replace('L', '1') %}hello{% endfilter %} {% filter indent(2, true) %}a\nb{% endfilter %}" },
  { template: "{% filter center(9) %}x{% endfilter %}|{% filter trim %}  y  {% endfilter %}|" },
  { template: "{% set x = 3 %}{% block b %}in block {{ x }}{% endblock %} after" },
  { template: "{% print 1, 'two' %}{% print [3] %}" },
  // Tests without parentheses, and every test's common uses
  { template: "{{ 12 is eq 12 }} {{ 12 is ne 12 }} {{ 3 is gt 2 }} {{ 3 is lessthan 2 }} {{ 4 is divisibleby 2 }} {{ 4 is divisibleby(3) }} {{ 'a' is in 'abc' }} {{ 2 is in [1, 2] }}" },
  { template: "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ none is none }} {{ 1 is number }} {{ 1.5 is float }} {{ 1 is integer }} {{ true is integer }} {{ true is boolean }} {{ 'a' is string }}", context: { x: 1 } },
  { template: "{{ {} is mapping }} {{ [] is sequence }} {{ 'x' is sequence }} {{ 1 is iterable }} {{ range(2) is iterable }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ none is sameas none }} {{ false is false }} {{ 1 is true }}" },
  { template: "{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 3 is odd }} {{ 3 is not even }} {{ [1, 2, 3]|select('odd')|list }} {{ [1, 2, 3]|reject('eq', 2)|list }}" },
  // Attribute and item lookup
  { template: "{{ d.a }} {{ d['a'] }} {{ d.items|default('method') is callable }} {{ d.get('zz', 'fallback') }} {{ l.0 }} {{ l[1] }} {{ d.list.1 }} {{ params['k y'] }}", context: { d: { a: 1, list: [5, 6] }, l: [7, 8], params: { "k y": "spaced" } } },
  { template: "{{ users|map(attribute='name')|join(', ') }} {{ users|selectattr('age', 'gt', 30)|map(attribute='name')|list }} {{ users|rejectattr('active')|list|length }} {{ users|sum(attribute='age') }}", context: { users: [{ name: "ann", age: 31, active: true }, { name: "bob", age: 25, active: false }, { name: "cy", age: 40, active: true }] } },
  { template: "{{ users|sort(attribute='age')|map(attribute='name')|list }} {{ users|sort(attribute='age', reverse=true)|first }} {{ users|max(attribute='age') }} {{ users|min(attribute='name') }}", context: { users: [{ name: "ann", age: 31 }, { name: "Bob", age: 25 }, { name: "cy", age: 40 }] } },
  { template: "{% for g in users|groupby('team') %}{{ g.grouper }}={{ g.list|map(attribute='n')|join('+') }};{% endfor %} {{ users|groupby('team')|map('first')|list }}", context: { users: [{ n: "a", team: "x" }, { n: "b", team: "Y" }, { n: "c", team: "X" }] } },
  { template: "{{ users|map(attribute='missing', default='?')|list }} {{ users|map('upper')|list }}", context: { users: ["a", "b"] } },
  // Globals
  { template: "{{ dict(a=1, b=2) }} {{ dict([('x', 1)]) }} {% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }} {% set j = joiner('|') %}{{ j() }}x{{ j() }}y{{ j() }}z" },
  // Whitespace control and comments
  { template: "a  {{- 'b' -}}  c {#- comment -#} d\n  {%- if true %}\ne{% endif -%}\n  f" },
  { template: "line1\n{# a comment #}\nline2\n{{ 'x' }}\n" },
  { template: "{%+ if true %}kept{% endif %} {{+ 1 }}" },
  // Dicts and lists as users build them
  { template: "{% set l = [] %}{% for i in [1, 2] %}{% set _ = l.append(i * 2) %}{% endfor %}{{ l }} {% set d = {} %}{% set _ = d.update({'k': 1}) %}{{ d }} {{ d.pop('k') }}{{ d }}" },
  { template: "{{ {'b': 1, 'a': 2}|dictsort }} {{ {'b': 1, 'a': 2}|dictsort(by='value') }} {{ {'B': 1, 'a': 2}|dictsort(true, reverse=true) }} {{ {'b': 1, 'a': 2}|items|list }}" },
  { template: "{{ [3, 1, 2]|reverse|list }} {{ 'abc'|reverse }} {{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ [1, 2, 2, 1]|unique|list }} {{ ['a', 'A', 'b']|unique|list }} {{ ['a', 'A']|unique(case_sensitive=true)|list }}" },
  { template: "{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3, 4, 5]|batch(2, 'x')|list }} {{ [1, 2, 3, 4, 5]|slice(2)|list }} {{ [1, 2, 3, 4, 5]|slice(3, 0)|list }}" },
  { template: "{{ 1234567|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1024|filesizeformat(true) }} {{ 1e30|filesizeformat }} {{ '2048'|filesizeformat(binary=true) }}" },
  { template: "{{ 'a b/c?d=e&f'|urlencode }} {{ {'q': 'a b', 'n': 1}|urlencode }} {{ [('x', 'é')]|urlencode }} {{ 'ü'|urlencode }}" },
  { template: "{{ 'lorem ipsum dolor sit amet, consectetur adipiscing'|wordwrap(12) }}|{{ 'a-very-long-hyphenated-word here'|wordwrap(8) }}|{{ 'abcdefghij'|wordwrap(3, false) }}|{{ 'x y'|wordwrap(1, wrapstring='<br>') }}" },
  { template: "{{ 'one two  three'|wordcount }} {{ 'Hello World'|truncate(8) }} {{ 'Hello World'|truncate(8, true) }} {{ 'Hello World'|truncate(8, end='…') }} {{ 'Hello Wor'|truncate(8) }} {{ 'abc'|truncate(3) }}" },
  { template: "{{ '<a href=\"x\">T&amp;C</a>'|striptags }} {{ '<b>x</b>'|e }} {{ '<b>'|escape|escape }} {{ '<b>'|forceescape }} {{ '<i>'|safe }} {{ {'class': 'x', 'id': none, 'data-a': '<'}|xmlattr }}" },
  { template: "{{ 'hello world'|capitalize }} {{ 'HELLO'|capitalize }} {{ 'hello-world foo(bar)'|title }} {{ 'x'|center(4) }}| {{ '  pad  '|trim }}| {{ 'xxaxx'|trim('x') }} {{ 'AbC'|lower }}{{ 'AbC'|upper }}" },
  { template: "{{ 'a,b'|replace(',', ';') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'ab'|replace('', '-') }} {{ 42|string ~ '!' }} {{ [1, 'a']|join('|') }} {{ [{'n': 1}, {'n': 2}]|join(',', attribute='n') }}" },
  // Decimal digits take a short way: signs, leading zeros, -0 and 15 digits against 16.
  { template: "{{ '-0'|int }} {{ '+5'|int }} {{ '007'|int }} {{ '-12'|int }} {{ '999999999999999'|int }} {{ '1234567890123456'|int }} {{ '12'|int(base=8) }} {{ '09'|int(base=0) }}" },
  { template: "{{ '42'|int }} {{ '4.9'|int }} {{ 'x'|int(-1) }} {{ '0x1f'|int(0, 16) }} {{ '0b11'|int(base=0) }} {{ ' 7 '|int }} {{ '1_000'|int }} {{ 4.9|int }} {{ true|int }} {{ '3.5'|float }} {{ 'x'|float }} {{ 2|float }} {{ 'inf'|float }} {{ ' 1e3 '|float }}" },
  { template: "{{ [1, 2.5, 3]|sum }} {{ [[1], [2]]|sum(start=[]) }} {{ [1, 2]|sum(start=10) }} {{ -3|abs }} {{ -2.5|abs }} {{ [3, 1]|min }} {{ ['b', 'A', 'c']|max }} {{ ['b', 'A', 'c']|max(case_sensitive=true) }}" },
  { template: "{{ [1, 'a', none]|tojson }} {{ {'b': 1.0, 'a': '<&>'}|tojson }} {{ 'é'|tojson }} {{ {'a': [1, 2]}|tojson(indent=2) }} {{ 2.5|tojson }} {{ 1e20|tojson }}" },
  { template: "{{ 'a\\nb'|indent }} {{ 'a\\n\\nb'|indent(2) }} {{ 'a\\nb'|indent(2, true) }} {{ 'a\\n\\nb'|indent(2, blank=true) }} {{ 'a\\nb'|indent('> ') }}" },
  { template: "{{ [1, 2]|length }} {{ 'abc'|count }} {{ {'a': 1}|length }} {{ {'a': 1}|list }} {{ range(3)|list|length }} {{ [1, 2]|pprint }} {{ {'b': 1, 'a': 'x'}|pprint }}" },
  { template: "{{ x|default('d') }} {{ none|default('d') }} {{ none|default('d', true) }} {{ ''|d('empty', boolean=true) }} {{ 0|default(5) }}" },
  { template: "{{ users|attr('name') }} {{ 'x'|attr('upper') is callable }}", context: { users: { name: "dict key, not an attribute" } }, refused: "is undefined" },
  // The docs' expansion template, inline
  {
    template:
      '{%- set params = [{ "name": "apple", "url": "http://dbpedia.org/resource/Apple", },\n                  { "name": "banana", "url": "http://dbpedia.org/resource/Banana", }]\n%}\n{%- for p in params %}\n{%- set name = p["name"] %}\n---\nmetadata:\n  name: jobexample-{{ name }}\n  url: {{ p.url }}\n{%- endfor %}',
  },
  // Refused by name: what jinja2 renders that jobx will not write into a manifest
  { template: "{{ missing }}", refused: "'missing' is undefined" },
  { template: "{{ 'a' ~ missing }}", refused: "'missing' is undefined" },
  { template: "{{ [1, 2]|map('string') }}", refused: "add | list" },
  { template: "{% if [1]|select('odd') %}x{% endif %}", refused: "always true" },
  { template: "{{ []|first }}", refused: "empty sequence" },
  { template: "{{ [1, 2]|random }}", refused: "reproducible" },
  { template: "{{ 'see https://x.io'|urlize }}", refused: "HTML links" },
  { template: "{{ 'x' if false }}", refused: "no else" },
  { template: "{{ 2 ** 64 }}", refused: "2**53" },
  { template: "{% for x in nope %}{% endfor %}", refused: "'nope' is undefined" },
  { template: "{{ lipsum() }}", refused: "lipsum" },
  { template: "{{ 'x'.upper }}", refused: "is a function" },
  { template: "{{ 1 is sameas 1 }}", refused: "sameas" },
  { template: "{% set ns = namespace() %}{{ ns.missing }}", refused: "is undefined" },
  { template: "{{ loop }}", refused: "'loop' is undefined" },
];

/** Values the generated cases apply filters and tests to, as template literals. */
export const VALUES = [
  '"abc"',
  '"Hello World"',
  '""',
  '"  a b  "',
  '"héllo wörld ß"',
  '"a-b_c.d/e f"',
  '"42"',
  '"3.5"',
  '"<b>&\'\\""',
  "0",
  "1",
  "-3",
  "7",
  "1234567",
  "2.5",
  "3.0",
  "-0.5",
  "0.1",
  "true",
  "false",
  "none",
  "[]",
  "[1, 2, 3]",
  "[3, 1, 2, 1]",
  '["b", "a", "C"]',
  "[1.5, 2, -3]",
  '{"b": 1, "a": 2}',
  "{}",
  "(1, 2)",
  '[{"name": "x", "n": 2}, {"name": "Y", "n": 1}, {"name": "x", "n": 3}]',
  "range(5)",
];

/** Argument lists tried per filter, beside none at all. */
export const FILTER_ARGS: Record<string, string[]> = {
  attr: ['("name")', '("upper")', '("real")'],
  batch: ["(2)", '(2, "x")', "(5)"],
  center: ["(9)", "(2)"],
  default: ['("d")', '("d", true)'],
  d: ['("d", boolean=true)'],
  dictsort: ["(true)", '(by="value")', "(reverse=true)"],
  filesizeformat: ["(true)"],
  float: ["(-1)"],
  format: ["(1)", '("x", "y")'],
  groupby: ['("name")', '("n")', '("name", case_sensitive=true)', "(0)"],
  indent: ["(2)", "(2, true)", "(2, blank=true)", '("-> ")'],
  int: ["(-1)", "(base=16)", "(0, 8)"],
  join: ['(", ")', '("-", attribute="name")'],
  map: ['("string")', '("upper")', '(attribute="name")', '(attribute="n", default=0)', '("default", "z")'],
  max: ["(case_sensitive=true)", '(attribute="n")'],
  min: ["(case_sensitive=true)", '(attribute="n")'],
  reject: ['("odd")', '("none")', '("eq", 1)'],
  rejectattr: ['("n", "odd")', '("name")'],
  replace: ['("a", "z")', '("", "-")', '("l", "L", 1)'],
  round: ["(1)", '(1, "floor")', '(0, "ceil")', "(-1)"],
  select: ['("odd")', '("string")', '("gt", 1)', '("in", [1, 2])'],
  selectattr: ['("n", "odd")', '("name", "eq", "x")'],
  slice: ["(2)", '(3, "x")'],
  sort: ["(true)", "(case_sensitive=true)", '(attribute="n")', '(attribute="name,n")'],
  sum: ['(attribute="n")', "(start=10)"],
  trim: ['("a")'],
  truncate: ["(5)", "(5, true)", '(5, end="…")', "(3, leeway=0)"],
  unique: ["(true)", '(attribute="name")'],
  wordwrap: ["(5)", "(3, false)", '(4, wrapstring="|")'],
  xmlattr: ["(false)"],
  tojson: ["(2)"],
  quote: [],
};

export const TEST_ARGS: Record<string, string[]> = {
  divisibleby: ["(2)", "3"],
  eq: ["1", '"abc"'],
  equalto: ["1"],
  ne: ["1"],
  "==": ["1"],
  "!=": ["1"],
  gt: ["1"],
  ge: ["1"],
  lt: ["1"],
  le: ["1"],
  greaterthan: ["1"],
  lessthan: ["1"],
  ">": ["1"],
  ">=": ["1"],
  "<": ["1"],
  "<=": ["1"],
  in: ["[1, 2]", '"abc"'],
  sameas: ["none", "true"],
};

const PERCENT_SPECS = ["d", "i", "5d", "-5d", "05d", "+d", " d", "x", "X", "#x", "o", "#o", "e", "E", ".2e", "f", ".0f", ".3f", "10.2f", "-10.2f", "+.1f", "g", "G", ".3g", "#g", ".10g", "s", "5s", "-5s", ".2s", "r", "c", "a"];
const FORMAT_VALUES = ["0", "7", "-7", "255", "3.14159", "-2.5", "0.5", "2.5", "1.5", "1e16", "1e-5", "123456789", "1e22", '"ab"', "true", "none", "[1]", "0.125"];
const FORMAT_SPECS = ["", ">8", "<8", "^8", "*^9", "08.3f", ",", "_", ".2%", "e", ".3e", "g", ".3", ".0", "+", " ", "x", "#b", "c", "08", "=+8", ".2f", "10.4g", "s"];
const FLOATS = ["0.1", "1/3", "2/3", "1e16", "1e15", "123456789012345678.0", "1e-4", "1e-5", "5e-324", "1.7976931348623157e308", "-0.0", "100.0", "2.5e-10", "1e100", "0.1 + 0.7", "9007199254740993.0", "1.25", "-1e-7"];
const ROUNDINGS = ["2.675|round(2)", "0.125|round(2)", "0.375|round(2)", "2.5|round", "3.5|round", "-2.5|round", "-3.5|round", "1234|round(-2)", "1250|round(-2)", "1350|round(-2)", "1.005|round(2)", "0.5|round", "1.5|round", "15|round(-1)", "25|round(-1)", "3.14159|round(3)", "1e20|round(2)", "12345.6789|round(-2)"];

const STR_METHOD_CALLS = [
  "upper()", "lower()", "title()", "capitalize()", "swapcase()", "casefold()", "strip()", "lstrip()", "rstrip()", 'strip("a ")',
  "split()", 'split("a")', 'split(" ", 1)', "rsplit(None, 1)", "splitlines()", 'startswith("a")', 'endswith("c")', 'find("l")', 'rfind("l")',
  'count("l")', 'replace("l", "L")', "center(20)", 'ljust(15, ".")', "rjust(15)", "zfill(15)", 'partition(" ")', 'rpartition(" ")',
  'removeprefix("He")', 'removesuffix("ld")', "isdigit()", "isalpha()", "isalnum()", "isspace()", "islower()", "isupper()", "istitle()",
  "isnumeric()", "isdecimal()", "isidentifier()", "isascii()", "expandtabs()", 'join(["1", "2"])', 'format(1)',
];
const STRINGS = ['"Hello World"', '"  abc  "', '"aBc-dEf ghi"', '"123"', '"ßtraße"', '"x\\ty"', '"a\\nb"', '""', '"ǆemal"', '"snake_case_9"'];

/** The generated corpus: every filter and test of jinja2's tables, over the values and arguments above. */
export function generatedCases(filters: readonly string[], tests: readonly string[]): Case[] {
  const cases: Case[] = [];
  for (const name of filters) {
    for (const args of ["", ...(FILTER_ARGS[name] ?? [])]) {
      for (const value of VALUES) cases.push({ template: `{{ (${value})|${name}${args} }}` });
    }
    // Filters that give a generator or iterator are compared through | list.
    for (const value of VALUES) cases.push({ template: `{{ (${value})|${name}|list }}` });
  }
  for (const name of tests) {
    const argLists = TEST_ARGS[name] ?? [""];
    for (const args of argLists) {
      const call = args === "" ? name : args.startsWith("(") ? `${name}${args}` : `${name} ${args}`;
      for (const value of VALUES) cases.push({ template: `{{ (${value}) is ${call} }} {{ (${value}) is not ${call} }}` });
    }
    // Every test by name, as select and reject take it (the only way to use `==` and the like).
    for (const args of argLists) {
      const extra = args === "" ? "" : `, ${args.replace(/^\((.*)\)$/, "$1")}`;
      cases.push({ template: `{{ [0, 1, 7, -3, 2.5, "abc", "ABC", none, true] | select("${name}"${extra}) | list }}` });
      cases.push({ template: `{{ [[], {}, (1, 2), range(2), "", 1.5, false] | reject("${name}"${extra}) | list }}` });
      cases.push({ template: `{{ [0, 1, 7, -3, 2.5, true] | select("${name}"${extra}) | list }}` });
    }
  }
  for (const spec of PERCENT_SPECS) for (const value of FORMAT_VALUES) cases.push({ template: `{{ "[%${spec}]" % ${value} }}` });
  for (const value of FORMAT_VALUES) cases.push({ template: `{{ "%s|%r|%5s" % (${value}, ${value}, ${value}) }}` });
  for (const spec of FORMAT_SPECS) for (const value of FORMAT_VALUES) cases.push({ template: `{{ "[{:${spec}}]".format(${value}) }}` });
  for (const f of FLOATS) cases.push({ template: `{{ ${f} }} {{ [${f}] }} {{ (${f})|tojson }} {{ (${f})|string }}` });
  for (const r of ROUNDINGS) cases.push({ template: `{{ ${r} }}` });
  for (const s of STRINGS) for (const call of STR_METHOD_CALLS) cases.push({ template: `{{ ${s}.${call} }}` });
  return cases;
}
