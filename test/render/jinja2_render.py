"""Renders each case of a JSON list with python3's jinja2, for jobx's parity tests.

stdin: [{"template": str, "context": {...}}, ...]
stdout: [{"ok": str, "undefined": bool} | {"error": "ExceptionType: message"}, ...]

Each template is rendered as the Kubernetes docs' one-liner does,
jinja2.Template(src).render(**context): the default environment (no autoescape,
keep_trailing_newline off) with its default Undefined, subclassed only to record that
an undefined value was used (printed, iterated, tested for truth, measured), which jobx
refuses by name instead of rendering as nothing.
"""
import json
import sys

import jinja2


class RecordingUndefined(jinja2.Undefined):
    used = False

    def _use(self):
        RecordingUndefined.used = True

    def __str__(self):
        self._use()
        return super().__str__()

    def __iter__(self):
        self._use()
        return super().__iter__()

    def __bool__(self):
        self._use()
        return super().__bool__()

    def __len__(self):
        self._use()
        return super().__len__()


environment = jinja2.Environment(undefined=RecordingUndefined)
results = []
for case in json.load(sys.stdin):
    RecordingUndefined.used = False
    try:
        output = environment.from_string(case["template"]).render(**case.get("context", {}))
        results.append({"ok": output, "undefined": RecordingUndefined.used})
    except Exception as e:  # every failure is a result to compare
        results.append({"error": f"{type(e).__name__}: {e}"})
json.dump(results, sys.stdout)
