"""``python -m proven_numbers check SITE_DIR``: the site-level checks over a built site (`proven_numbers.check`).

Exit status 0 when the site passes, 1 with every problem listed when it does not, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from proven_numbers.check import check_site
from proven_numbers.config import outside_site
from proven_numbers.registry import load_values

__all__ = ["main"]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m proven_numbers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check a built site and write its values.json and KaTeX's files")
    check.add_argument("site_dir", type=Path, help="the built site")
    check.add_argument("--values", required=True, help="'module:callable' returning the site's values")
    check.add_argument("--prefix", default="value", help="the markers' prefix (default: value)")
    check.add_argument(
        "--python-path", action="append", default=None, help="a folder put on sys.path for the values' module"
    )
    check.add_argument(
        "--node-modules", type=Path, default=Path("node_modules"), help="the folder holding the npm package katex"
    )
    check.add_argument("--no-katex-assets", action="store_true", help="do not copy KaTeX's stylesheet and fonts")
    check.add_argument("--values-json", default="values.json", help="where values.json goes in the site")
    check.add_argument(
        "--require-csp", action="store_true", help="fail a page without its Content-Security-Policy <meta>"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _arguments(argv)
    if not args.site_dir.is_dir():
        print(f"proven-numbers: {args.site_dir} is not a folder", file=sys.stderr)
        return 2
    if args.values_json and (problem := outside_site(args.values_json)) is not None:
        print(f"proven-numbers: --values-json: {problem}", file=sys.stderr)
        return 2
    try:
        values = load_values(args.values, [Path(folder).resolve() for folder in args.python_path or ["."]])
        node_modules = None if args.no_katex_assets else args.node_modules
        result = check_site(
            args.site_dir, values, args.prefix, node_modules, args.values_json, require_csp=args.require_csp
        )
    except MkDocsException as error:
        print(error, file=sys.stderr)
        return 1
    if result.problems:
        count = len(result.problems)
        print(f"proven-numbers: {count} problem{'s' if count != 1 else ''} in {args.site_dir}:", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"proven-numbers: {args.site_dir} passes: {len(values)} values, each shown and each page's promises kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
