r"""KaTeX's MathML tables made readable by CSS, for browsers that implement MathML Core (Chromium among them).

KaTeX writes a table's layout as attributes of `<mtable>`: `columnalign="right left"` for `aligned`,
`columnspacing="0em"`, `rowspacing`. MathML Core reads none of them; Chromium centres every cell and pads it by
0.4em a side, so the equals signs of an `aligned` block no longer line up and its two columns stand apart.
Firefox still honours them. CSS can select an attribute's whole value but not the n-th word of a list, so each
table is rewritten to say the same thing in a form a stylesheet can select, and that MathML 3 (Firefox) reads
as before:

- a list whose every word is the same (`left left`) becomes that one word, which MathML repeats for every
  column, and none at all when that word is `center`, MathML's default;
- any other `columnalign` list moves onto the cells, each `<mtd>` the word of its column (the last word
  repeating, as MathML does), which MathML 3 allows on a cell;
- any other `columnspacing` list (an `aligned` of four or more columns: `0em 1em 0em`) becomes a `data-gap`
  on each cell but the first, the space before that cell.

The site's math stylesheet (`proven_numbers.mathfont.math_font_css`) then sets `text-align` and the cells'
padding from them. `rowspacing` is left to the browser: MathML Core's own half an ex above and below a cell
spaces rows as KaTeX's HTML does, where KaTeX's gap (0.16em beyond the content) would set them closer.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["TABLE_CSS", "core_tables"]

#: What a MathML Core browser needs to lay the rewritten tables out as MathML 3 does (measured in Chromium 156:
#: it centres a cell's content with the cell's `justify-items`, so `text-align: right` alone does not move it).
#: Firefox lays them out from the attributes and draws them the same with these rules as without; it reads no
#: typed `attr()` yet, so the padding is set only where that is supported, by the browsers that need it.
TABLE_CSS = """\
/* KaTeX's column alignment (proven_numbers.katex.mathml_tables): MathML Core reads no columnalign. */
mtable[columnalign="left"] > mtr > mtd,
mtd[columnalign="left"] {
  text-align: left;
  justify-items: start;
}
mtable[columnalign="right"] > mtr > mtd,
mtd[columnalign="right"] {
  text-align: right;
  justify-items: end;
}
/* KaTeX's space between columns (none around an aligned block's equals sign), none at the table's edges.
   Between rows, MathML Core's half an ex above and below each cell stays. */
@supports (x: attr(x type(*))) {
  mtable {
    --pn-column-gap: attr(columnspacing type(<length>), 0.8em);
  }
  mtr > mtd {
    padding-left: calc(var(--pn-column-gap) / 2);
    padding-right: calc(var(--pn-column-gap) / 2);
  }
  mtr > mtd[data-gap] {
    padding-left: attr(data-gap type(<length>), 0.8em);
  }
  mtr > mtd:has(+ mtd[data-gap]) {
    padding-right: 0;
  }
  mtr > mtd:first-child {
    padding-left: 0;
  }
  mtr > mtd:last-child {
    padding-right: 0;
  }
  /* Nor between the first and last rows and the table's edges: a bracket hugs a matrix's rows. */
  mtable > mtr:first-child > mtd {
    padding-top: 0;
  }
  mtable > mtr:last-child > mtd {
    padding-bottom: 0;
  }
}
"""

#: The rows of a table: `mlabeledtr`'s first cell is its label, not a column.
_ROWS = {"mtr": 0, "mlabeledtr": 1}


def _cells(table: LexborNode) -> list[list[LexborNode]]:
    """Each row's cells, by column (a labelled row's label left out)."""
    rows = []
    for row in table.iter():
        if row.tag in _ROWS:
            rows.append([cell for cell in row.iter() if cell.tag == "mtd"][_ROWS[row.tag] :])
    return rows


def _rewrite(table: LexborNode) -> None:
    align = (table.attributes.get("columnalign") or "").split()
    if set(align) == {"center"}:  # MathML's default: a matrix's `center center` says nothing
        del table.attrs["columnalign"]
    elif align and len(set(align)) == 1:
        table.attrs["columnalign"] = align[0]
    elif align:
        del table.attrs["columnalign"]
        for row in _cells(table):
            for column, cell in enumerate(row):
                if "columnalign" not in cell.attributes:
                    cell.attrs["columnalign"] = align[min(column, len(align) - 1)]
    gaps = (table.attributes.get("columnspacing") or "").split()
    if gaps and len(set(gaps)) == 1:
        table.attrs["columnspacing"] = gaps[0]
    elif gaps:
        for row in _cells(table):
            for column, cell in enumerate(row[1:]):
                cell.attrs["data-gap"] = gaps[min(column, len(gaps) - 1)]


def core_tables(markup: str) -> str:
    """Rewrite every `<mtable>` of `markup` (KaTeX's output for one formula) as the module says.

    Examples:
        >>> core_tables('<math><mtable columnalign="left left"><mtr><mtd><mn>1</mn></mtd></mtr></mtable></math>')
        '<math><mtable columnalign="left"><mtr><mtd><mn>1</mn></mtd></mtr></mtable></math>'
        >>> core_tables('<mtable columnalign="right left"><mtr><mtd>a</mtd><mtd>=</mtd></mtr></mtable>')
        '<mtable><mtr><mtd columnalign="right">a</mtd><mtd columnalign="left">=</mtd></mtr></mtable>'
    """
    if "<mtable" not in markup:  # most formulas: nothing to parse
        return markup
    tree = LexborHTMLParser(markup)
    for table in tree.css("mtable"):
        _rewrite(table)
    body = tree.body
    rewritten = body.inner_html if body is not None else None
    return rewritten if rewritten is not None else markup
