"""The baseline: plain Jinja2 rendering one template once per row, in one process.

Usage: python3 render_jinja2.py TEMPLATE ROWS.csv > out

The template is compiled once; every CSV row (header row first) is rendered with its
values, 'index' and 'params' (the row), and written followed by a newline, as
`jobx expand --raw` writes each rendering.
"""
import csv
import sys

import jinja2


def main() -> None:
    template_path, rows_path = sys.argv[1], sys.argv[2]
    with open(template_path, encoding="utf-8") as f:
        template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(f.read())
    out = sys.stdout
    with open(rows_path, newline="", encoding="utf-8") as f:
        for index, row in enumerate(csv.DictReader(f)):
            out.write(template.render(row, index=index, params=row))
            out.write("\n")


if __name__ == "__main__":
    main()
