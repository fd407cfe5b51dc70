#!/usr/bin/env python3
"""Mark every function prototype of the public headers with AMP_API.

Idempotent: run it after adding declarations (make format runs it too).
A prototype is a declaration at column 0 whose name starts with amp_ or
metal_ and that is not static, a typedef or a macro.
"""
import re
import sys
from pathlib import Path

PROTO = re.compile(r'^(?!static\b|typedef\b|#|AMP_API\b|extern\b)'
                   r'([A-Za-z_][\w \*]*?[\s\*])((?:amp|metal)_\w+)\(')


def annotate(path):
    text = path.read_text()
    out = []
    changed = False
    for line in text.splitlines(keepends=True):
        if PROTO.match(line):
            line = 'AMP_API ' + line
            changed = True
        out.append(line)
    text = ''.join(out)
    if changed and '#include <ampshm/export.h>' not in text and \
            path.name != 'export.h':
        # after the include guard's #define
        text = re.sub(r'(#define AMPSHM_\w+_H\n)',
                      r'\1\n#include <ampshm/export.h>\n', text, count=1)
    if changed:
        path.write_text(text)
    return changed


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else 'include/ampshm')
    for h in sorted(root.rglob('*.h')):
        if annotate(h):
            print('annotated', h)


if __name__ == '__main__':
    main()
