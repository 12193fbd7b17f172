"""What a lead should do about a file whose header lacks required columns, said in the file's own terms."""
from __future__ import annotations


def missing_columns_message(missing: list[str], original_header: list[str]) -> str:
    names = ", ".join(missing)
    found = ", ".join(str(h) for h in original_header[:20])
    head = f"missing required column{'s' if len(missing) > 1 else ''} {names}"
    first = str(original_header[0]).strip() if original_header else ""
    if len(original_header) == 1 and "|" in first:
        fix = "the file is separated by '|': export it again as CSV separated by commas, semicolons or tabs"
    elif first.startswith(("[", "{")):
        fix = "the file holds JSON, not a table: export it again as CSV or .xlsx"
    else:
        fix = f"export it again with {'these columns' if len(missing) > 1 else 'this column'}"
    return f"{head}: {fix} (the header has: {found})"
