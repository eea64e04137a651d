"""Output for people: tables and listings that stay readable at 80 columns on a terminal, and
plain aligned text (no boxes, no colour, no wrapping) when stdout is a pipe or a file.

Two shapes cover every command:

* :func:`print_table`: a header and rows (``ctgov sql``, ``ctgov export``, the ingest summary).
  On a terminal it is a rich table when it fits the width, else one block per row ("expanded",
  like psql's ``\\x``), so no header is ever folded one letter per line.
* :func:`print_listing`: rows whose last column is free text (``history``, ``changes``). On a
  terminal the fixed columns stay aligned and the text wraps under itself; piped, each row is
  one line.

>>> import io
>>> console = Console(file=io.StringIO(), width=80)
>>> print_table(console, ["id", "n"], [["a", "1"], ["bb", "22"]], right={1})
>>> print(console.file.getvalue(), end="")
id   n
a    1
bb  22
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

COLUMN_GAP = "  "
"""Between columns of plain output."""
TABLE_OVERHEAD_PER_COLUMN = 3
"""What a rich table with a box adds per column: two spaces of padding and one rule."""
EXPANDED_RULE = "─"
MIN_TEXT_WIDTH = 40
"""Narrowest free-text column a listing keeps beside its fixed columns before stacking."""
STACKED_INDENT = 4

Cell = str | Text


def stdout_console() -> Console:
    """The console commands print their results on (stdout), without rich's auto-highlighting.

    ``soft_wrap`` keeps piped lines whole; on a terminal, listings wrap by themselves.
    """
    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_table(
    console: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    right: Collection[int] = (),
    caption: str | None = None,
) -> None:
    """Print a table: plain aligned text when piped, a rich table or expanded rows on a terminal.

    ``right`` holds the indexes of columns to right-align (numbers).
    """
    if not console.is_terminal:
        for line in plain_lines(headers, rows, right=right):
            console.out(line, highlight=False)
        if caption:
            console.out(caption, highlight=False)
        return
    widths = natural_widths(headers, rows)
    needed = sum(widths) + TABLE_OVERHEAD_PER_COLUMN * len(widths) + 1
    if needed <= console.width:
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", caption=caption, pad_edge=False)
        for index, header in enumerate(headers):
            table.add_column(header, no_wrap=True, justify="right" if index in right else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table, soft_wrap=False)
        return
    print_expanded(console, headers, rows)
    if caption:
        console.print(caption, style="dim")


def print_expanded(
    console: Console, headers: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> None:
    """One block per row, a ``name  value`` line per column, values wrapping under themselves."""
    label_width = max((len(header) for header in headers), default=0)
    for number, row in enumerate(rows, 1):
        title = f"{EXPANDED_RULE * 2} row {number} "
        console.print(Text(title + EXPANDED_RULE * max(0, console.width - len(title)), "dim"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=label_width, no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for header, cell in zip(headers, row, strict=True):
            grid.add_row(header, cell)
        console.print(grid, soft_wrap=False)


def print_listing(
    console: Console,
    rows: Sequence[Sequence[Cell]],
    *,
    headers: Sequence[str] | None = None,
    right: Collection[int] = (),
) -> None:
    """Rows of fixed columns and a last free-text column.

    On a terminal the last column wraps under itself (a hanging indent); when the fixed
    columns leave it less than :data:`MIN_TEXT_WIDTH`, each row's text goes on the lines
    below it, indented. Piped, every row is one line of plain aligned text.
    """
    if not console.is_terminal:
        for line in plain_lines(headers, rows, right=right):
            console.out(line, highlight=False)
        return
    count = len(rows[0]) if rows else len(headers or ())
    widths = natural_widths(headers or [""] * count, rows)
    fixed = sum(widths[:-1]) + len(widths[:-1])
    stacked = console.width - fixed < MIN_TEXT_WIDTH
    table = Table(
        box=None,
        show_header=headers is not None,
        header_style="bold",
        pad_edge=False,
        padding=(0, 1),
        expand=False,
    )
    shown = count - 1 if stacked else count
    for index in range(shown):
        last = index == count - 1
        table.add_column(
            headers[index] if headers else "",
            no_wrap=not last,
            overflow="fold" if last else "ellipsis",
            justify="right" if index in right else "left",
        )
    if not stacked:
        for row in rows:
            table.add_row(*row)
        console.print(table, soft_wrap=False)
        return
    for row in rows:
        fixed_part = Table.grid(padding=(0, 1))
        for index in range(shown):
            fixed_part.add_column(
                width=widths[index], no_wrap=True, justify="right" if index in right else "left"
            )
        fixed_part.add_row(*row[:shown])
        console.print(fixed_part, soft_wrap=False)
        console.print(Padding(row[-1], (0, 0, 0, STACKED_INDENT)), soft_wrap=False)


def plain_lines(
    headers: Sequence[str] | None, rows: Sequence[Sequence[Cell]], *, right: Collection[int] = ()
) -> list[str]:
    """Rows as plain text, columns padded to their widest cell and two spaces apart."""
    table = [list(headers)] if headers is not None else []
    table += [[_plain(cell) for cell in row] for row in rows]
    if not table:
        return []
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(COLUMN_GAP.join(cells).rstrip())
    return lines


def natural_widths(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Each column's width without wrapping: its longest header or cell line."""
    widths = [len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            text = cell.plain if isinstance(cell, Text) else cell
            longest = max((len(line) for line in text.split("\n")), default=0)
            widths[index] = max(widths[index], longest)
    return widths


def _plain(cell: Cell) -> str:
    """A cell's text; newlines become ``\\n`` so a plain row stays one line."""
    text = cell.plain if isinstance(cell, Text) else cell
    return text.replace("\r", "\\r").replace("\n", "\\n")
