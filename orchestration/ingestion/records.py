"""SQL that turns the physical lines of delivered files into checked records.

Lines are read by DuckDB (``read_text``) and numbered; CSV records are rebuilt from lines
by RFC-4180 quote parity (a record ends where the count of quotes so far is even), then
split into fields. Each record gets the reason it cannot be loaded, or NULL.
"""

from __future__ import annotations

from .contract import Entity, Field, Kind

# One CSV field, preceded by its comma (the record is prefixed with one).
_CSV_FIELD = r',("(?:[^"]|"")*"|[^,"]*)'
_CSV_FIELD_WHOLE = r',(?:"(?:[^"]|"")*"|[^,"]*)'
_INTEGER = r"[+-]?[0-9]+"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lines_sql(files_table: str, paths: list[str]) -> str:
    """Numbered physical lines of ``paths``, each joined to its row of ``files_table`` by read_path."""
    path_list = "[" + ", ".join(quote_literal(p) for p in paths) + "]"
    return f"""
        SELECT f.file_idx,
               generate_subscripts(t.parts, 1) AS line_number,
               unnest(t.parts) AS line
        FROM (
            SELECT filename, string_split(content, chr(10)) AS parts
            FROM read_text({path_list})
        ) AS t
        JOIN {files_table} AS f ON f.read_path = t.filename
    """


def strip_cr(expr: str) -> str:
    """The line without a trailing carriage return (CRLF files)."""
    return f"CASE WHEN suffix({expr}, chr(13)) THEN {expr}[:-2] ELSE {expr} END"


def csv_records_sql(lines_table: str) -> str:
    """CSV records rebuilt from lines: (file_idx, line_number, raw_text, unterminated)."""
    return f"""
        WITH l AS (
            SELECT file_idx, line_number, {strip_cr("line")} AS line,
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
            WHERE NOT (starts_record AND trim(line) = '')
        )
        SELECT file_idx,
               min(line_number) AS line_number,
               string_agg(line, chr(10) ORDER BY line_number) AS raw_text,
               sum(quotes) % 2 = 1 AS unterminated
        FROM g
        GROUP BY file_idx, record_no
    """


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


def value_checks(field: Field, value: str) -> list[str]:
    """SQL expressions giving a reason when ``value`` breaks the field's contract, else NULL."""
    checks = []
    present = f"({value} IS NOT NULL AND trim({value}) <> '')"
    if field.required:
        checks.append(f"CASE WHEN NOT {present} THEN 'missing required field {field.label}' END")
    if field.kind is Kind.TIMESTAMP:
        checks.append(
            f"CASE WHEN {present} AND try_cast(trim({value}) AS TIMESTAMPTZ) IS NULL "
            f"THEN 'unparseable timestamp in {field.label}: ' || {value} END"
        )
    if field.kind is Kind.NUMBER:
        checks.append(
            f"CASE WHEN {present} AND NOT regexp_full_match(trim({value}), '{_NUMBER}') "
            f"THEN 'non-numeric {field.label}: ' || {value} END"
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
