#!/usr/bin/env python3
"""Every ```c snippet of README.md and docs/*.md compiles as written.

A snippet may hold function definitions (kept at file scope) and
statements (wrapped in a function of their own). prelude.h declares the
placeholders the docs use for "your code" (fill(), use(), ...). Snippets
are compiled with the public headers only, warnings as errors, not linked.
usage: check_snippets.py <source dir> <cc>
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FUNC = re.compile(r'^(static\s+)?[A-Za-z_][\w\s\*]*\b\w+\s*\([^;]*\)?\s*$')


def split(code):
    """(file-scope text, statement text) of one snippet."""
    lines = code.splitlines()
    top, body = [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('#'):  # preprocessor: file scope
            top.append(line)
            i += 1
            continue
        # A function definition: a header line at column 0 (possibly
        # continued) followed by '{' at column 0, up to '}' at column 0.
        if FUNC.match(line) and not line.startswith(' '):
            j = i
            while j < len(lines) and not lines[j].startswith('{'):
                if lines[j].rstrip().endswith(';'):
                    break
                j += 1
            if j < len(lines) and lines[j].startswith('{'):
                k = j
                while k < len(lines) and not lines[k].startswith('}'):
                    k += 1
                top.extend(lines[i:k + 1])
                i = k + 1
                continue
        # A static object at file scope (an ops table): up to its ';'.
        if line.startswith('static ') and '(' not in line.split('=')[0]:
            depth = 0
            j = i
            while j < len(lines):
                depth += lines[j].count('{') - lines[j].count('}')
                if depth <= 0 and lines[j].rstrip().endswith(';'):
                    break
                j += 1
            top.extend(lines[i:j + 1])
            i = j + 1
            continue
        body.append(line)
        i += 1
    return '\n'.join(top), '\n'.join(body)


def snippets(src):
    files = [src / 'README.md'] + sorted((src / 'docs').glob('*.md'))
    for f in files:
        text = f.read_text()
        for m in re.finditer(r'```c\n(.*?)```', text, re.S):
            line = text[:m.start()].count('\n') + 2
            yield f.relative_to(src), line, m.group(1)


def main():
    src = Path(sys.argv[1])
    cc = sys.argv[2]
    prelude = Path(__file__).with_name('prelude.h')
    bad = n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, line, code in snippets(src):
            top, body = split(code)
            unit = (f'#include "{prelude}"\n#line {line} "{name}"\n{top}\n'
                    f'void amp_snippet_{n}(void);\n'
                    f'void amp_snippet_{n}(void)\n{{\n{body}\n}}\n')
            path = Path(tmp) / f's{n}.c'
            path.write_text(unit)
            r = subprocess.run([cc, '-std=gnu11', '-Wall', '-Werror',
                                '-Wno-unused-variable',
                                '-Wno-unused-but-set-variable',
                                '-Wno-unused-function',
                                '-Wno-unused-value',
                                f'-I{src / "include"}',
                                f'-I{src / "tests" / "common"}', '-c',
                                str(path),
                                '-o', str(path.with_suffix('.o'))],
                               capture_output=True, text=True)
            n += 1
            if r.returncode:
                bad += 1
                print(f'{name}:{line}: snippet does not compile:')
                print(r.stderr)
    print(f'snippets: {n - bad} of {n} compile')
    return 1 if bad or not n else 0


if __name__ == '__main__':
    sys.exit(main())
