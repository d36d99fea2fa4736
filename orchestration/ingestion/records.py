"""SQL that turns the physical lines of delivered files into checked records.

Lines are read by DuckDB (``read_text``) and numbered; CSV records are rebuilt from lines
by RFC-4180 quote parity (a record ends where the count of quotes so far is even), then
split into fields. Each record gets the reason it cannot be loaded, or NULL.
"""

from __future__ import annotations

from .contract import Entity, Field, Kind
from .ranges import ranges

# One CSV field, preceded by its comma (the record is prefixed with one).
_CSV_FIELD = r',("(?:[^"]|"")*"|[^,"]*)'
_CSV_FIELD_WHOLE = r',(?:"(?:[^"]|"")*"|[^,"]*)'
_INTEGER = r"[+-]?[0-9]+"
INVALID_UTF8 = "invalid UTF-8 (bytes shown as \\xNN)"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pattern_list(patterns: list[str]) -> str:
    return "[" + ", ".join(quote_literal(p) for p in patterns) + "]"


def file_texts_sql(patterns: list[str]) -> str:
    """``(file_idx, text)`` of the scratch files read by ``patterns`` (each matches one file, named
    ``<file_idx>.<...>``); ``text`` is NULL for a file that is not valid UTF-8."""
    return f"""
        SELECT CAST(split_part(parse_filename(filename), '.', 1) AS INTEGER) AS file_idx,
               try(decode(content)) AS text
        FROM read_blob({_pattern_list(patterns)})
    """


def file_scan_sql(patterns: list[str]) -> str:
    """Per scratch file: ``file_idx``, ``invalid_utf8`` and ``records`` (its lines that are not
    blank, NULL when the file is not valid UTF-8)."""
    return f"""
        SELECT file_idx, text IS NULL AS invalid_utf8,
               len(list_filter(string_split(text, chr(10)), x -> NOT {blank_sql("x")})) AS records
        FROM ({file_texts_sql(patterns)})
    """


def lines_sql(files_table: str, patterns: list[str]) -> str:
    """Numbered physical lines of the scratch files read by ``patterns``, with their ``file_idx``
    and ``invalid_utf8`` (false). A file that is not valid UTF-8 gives no line at all: it is read
    again, line by line, escaped."""
    return f"""
        SELECT f.file_idx,
               generate_subscripts(t.parts, 1) AS line_number,
               unnest(t.parts) AS line,
               false AS invalid_utf8
        FROM (
            SELECT file_idx, string_split(text, chr(10)) AS parts FROM ({file_texts_sql(patterns)})
        ) AS t
        JOIN {files_table} AS f USING (file_idx)
    """


BLANK_CHARACTERS = " \t\r"
"""All that a blank line may hold, whatever the format: spaces, tabs and carriage returns (so a
line of a CRLF file, too); JSON's white space, but for the line feed that ends the line. Blank
lines are not records. Any other character, a non-breaking space too, makes the line a record,
loaded or quarantined with its reason."""


def is_blank(text: str) -> bool:
    """Whether a line (or a CSV header) is blank."""
    return text.strip(BLANK_CHARACTERS) == ""


_REGEX_ESCAPES = {"\t": "\\t", "\r": "\\r"}


def blank_sql(expr: str) -> str:
    """SQL: whether the line ``expr`` is blank (see ``BLANK_CHARACTERS``). A regular expression
    that stops at the first other character: a record costs one character's test."""
    characters = "".join(_REGEX_ESCAPES.get(c, c) for c in BLANK_CHARACTERS)
    return f"regexp_full_match({expr}, '[{characters}]*')"


def strip_cr(expr: str) -> str:
    """The line without a trailing carriage return (CRLF files)."""
    return f"CASE WHEN suffix({expr}, chr(13)) THEN {expr}[:-2] ELSE {expr} END"


def csv_records_sql(lines_table: str) -> str:
    """CSV records rebuilt from lines: (file_idx, line_number, raw_text, unterminated)."""
    return f"""
        WITH l AS (
            SELECT file_idx, line_number, {strip_cr("line")} AS line, invalid_utf8,
                   length(line) - length(replace(line, '"', '')) AS quotes
            FROM {lines_table}
        ), p AS (
            SELECT *, (sum(quotes) OVER w - quotes) % 2 = 0 AS starts_record
            FROM l
            WINDOW w AS (PARTITION BY file_idx ORDER BY line_number ROWS UNBOUNDED PRECEDING)
        ), g AS (
            SELECT *, sum(starts_record::INTEGER) OVER (
                PARTITION BY file_idx ORDER BY line_number ROWS UNBOUNDED PRECEDING
            ) AS record_no
            FROM p
            WHERE NOT (starts_record AND {blank_sql("line")})
        )
        SELECT file_idx,
               min(line_number) AS line_number,
               string_agg(line, chr(10) ORDER BY line_number) AS raw_text,
               sum(quotes) % 2 = 1 AS unterminated,
               bool_or(invalid_utf8) AS invalid_utf8
        FROM g
        GROUP BY file_idx, record_no
    """


def split_csv_header(text: str) -> tuple[str, ...] | str:
    """The column names of a CSV header line (RFC-4180 quoting, names trimmed), or what is
    wrong with it: a double quote that opens or closes no quoted field."""
    names: list[str] = []
    i, n = 0, len(text)
    while True:
        if text.startswith('"', i):
            j, parts = i + 1, []
            while True:
                k = text.find('"', j)
                if k == -1:
                    return f"malformed header: unterminated quote in column '{text[i:].split(',')[0]}'"
                parts.append(text[j:k])
                if text.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                    continue
                break
            end = k + 1
            if end < n and text[end] != ",":
                stray = text[i : text.find(",", end) if "," in text[end:] else n]
                return f"malformed header: stray double quote in column '{stray}'"
            names.append("".join(parts).strip())
        else:
            end = text.find(",", i)
            end = n if end == -1 else end
            if '"' in text[i:end]:
                return f"malformed header: stray double quote in column '{text[i:end]}'"
            names.append(text[i:end].strip())
        if end >= n:
            return tuple(names)
        i = end + 1


def csv_fields_expr(raw_text: str) -> str:
    """The unquoted field values of a CSV record; an empty field is NULL."""
    return f"""list_transform(
        regexp_extract_all(',' || {raw_text}, '{_CSV_FIELD}', 1),
        x -> CASE WHEN starts_with(x, '"') THEN nullif(replace(x[2:-2], '""', '"'), '')
                  ELSE nullif(x, '') END)"""


def csv_well_formed_expr(raw_text: str) -> str:
    """True when the fields found cover the whole record (no stray quote)."""
    return f"""coalesce(list_sum(list_transform(
        regexp_extract_all(',' || {raw_text}, '{_CSV_FIELD_WHOLE}', 0), x -> length(x))), 0)
        = length({raw_text}) + 1"""


def value_checks(field: Field, value: str, drop_date: str = "drop_date") -> list[str]:
    """SQL expressions giving a reason when ``value`` breaks the field's contract, else NULL.
    ``drop_date`` is the record's drop date (a timestamp must lie in the plausible window)."""
    checks = []
    limits = ranges()
    present = f"({value} IS NOT NULL AND trim({value}) <> '')"
    if field.required:
        checks.append(f"CASE WHEN NOT {present} THEN 'missing required field {field.label}' END")
    if field.kind is Kind.TIMESTAMP:
        parsed = f"try_cast(trim({value}) AS TIMESTAMPTZ)"
        earliest = f"TIMESTAMPTZ '{limits.earliest_timestamp.isoformat()} 00:00:00+00'"
        end = f"CAST({drop_date} + {limits.latest_days_after_drop + 1} AS TIMESTAMPTZ)"  # session time zone: UTC
        checks.append(
            f"CASE WHEN {present} AND {parsed} IS NULL "
            f"THEN 'unparseable timestamp in {field.label}: ' || {value} "
            f"WHEN {present} AND NOT ({parsed} >= {earliest} AND {parsed} <= {end}) "
            f"THEN 'implausible timestamp in {field.label} (before {limits.earliest_timestamp.isoformat()} or "
            f"more than {limits.latest_days_after_drop} day after the drop day): ' || {value} END"
        )
    if field.kind is Kind.NUMBER:
        checks.append(
            f"CASE WHEN {present} AND NOT regexp_full_match(trim({value}), '{_NUMBER}') "
            f"THEN 'non-numeric {field.label}: ' || {value} "
            f"WHEN {present} AND try_cast(trim({value}) AS {limits.amount_type}) IS NULL "
            f"THEN '{field.label} out of range of {limits.amount_type}: ' || {value} END"
        )
    if field.kind is Kind.INTEGER:
        low, high = field.value_range or (None, None)
        checks.append(
            f"CASE WHEN {present} AND NOT regexp_full_match(trim({value}), '{_INTEGER}') "
            f"THEN '{field.label} is not an integer: ' || {value} END"
        )
        if low is not None:
            checks.append(
                f"CASE WHEN {present} AND regexp_full_match(trim({value}), '{_INTEGER}') "
                f"AND NOT coalesce(try_cast(trim({value}) AS HUGEINT) BETWEEN {low} AND {high}, false) "
                f"THEN '{field.label} out of range {low}..{high}: ' || {value} END"
            )
    return checks


def reason_expr(structural: list[str], entity: Entity, value_of: dict[str, str]) -> str:
    """First structural problem, else every value problem joined by '; ', else NULL."""
    value_reasons = [c for f in entity.fields for c in value_checks(f, value_of[f.name])]
    values = f"nullif(concat_ws('; ', {', '.join(value_reasons)}), '')" if value_reasons else "NULL"
    return f"coalesce({', '.join([*structural, values])})"
