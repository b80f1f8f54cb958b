"""Flattened tables: a 公告 listing teams, targets and numbers as a table arrives either
with cells between pipes (or wide gaps, which preparation turns into pipes), or with one
cell per line after a header of one cell per line."""

import re
from dataclasses import dataclass, field

HEADER_CELL = re.compile(
    r"(?:序号|巡[视察]组(?:别)?|组别|巡[视察]组名称|被巡[视察](?:单位|党组织|对象)|巡[视察](?:对象|单位)|"
    r"(?:进驻|巡[视察])?单位(?:名称)?|组长|副组长|(?:值班|联系|举报|监督)?电话(?:号码)?|联系方式|"
    r"(?:邮政|通讯|举报)?信箱|(?:电子|举报|联系)?邮箱|"
    r"(?:进驻|巡[视察]|受理)?时间|短信|手机|意见箱(?:设置)?(?:地点|位置)?|备注)")


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, tuple[int, int]]] = field(default_factory=list)

    def cells(self, header_pattern: str) -> list[tuple[int, int]]:
        """Positions of the cells whose header matches ``header_pattern``."""
        wanted = [h for h in self.headers if re.search(header_pattern, h)]
        return [row[h] for row in self.rows for h in wanted if h in row and row[h][1] > row[h][0]]


def _pipe_cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cells = []
    position = start
    for part in text[start:end].split("|"):
        cells.append((position, position + len(part)))
        position += len(part) + 1
    if cells and cells[0][0] == cells[0][1]:
        cells = cells[1:]
    if cells and cells[-1][0] == cells[-1][1]:
        cells = cells[:-1]
    return cells


def find_tables(text: str, lines: list[tuple[int, int]], start: int, end: int) -> list[Table]:
    """The tables between ``start`` and ``end`` (positions in ``text``)."""
    body = [(a, b) for a, b in lines if a >= start and b <= end]
    tables: list[Table] = []
    i = 0
    while i < len(body):
        a, b = body[i]
        line = text[a:b]
        if line.count("|") >= 2:
            cells = _pipe_cells(text, a, b)
            headers = [text[x:y] for x, y in cells]
            if sum(bool(HEADER_CELL.fullmatch(h)) for h in headers) >= 2:
                table = Table(headers)
                j = i + 1
                while j < len(body) and text[body[j][0]:body[j][1]].count("|") >= 1:
                    row_line = text[body[j][0]:body[j][1]]
                    row = _pipe_cells(text, *body[j])
                    if not re.fullmatch(r"[-:|—\s]+", row_line) and len(row) == len(headers):
                        table.rows.append(dict(zip(headers, row, strict=True)))
                    j += 1
                if table.rows:
                    tables.append(table)
                i = j
                continue
        headers = []
        j = i
        while j < len(body) and HEADER_CELL.fullmatch(text[body[j][0]:body[j][1]]):
            headers.append(text[body[j][0]:body[j][1]])
            j += 1
        if len(headers) >= 2:
            table = Table(headers)
            width = len(headers)
            while j + width <= len(body):
                cells = body[j:j + width]
                values = [text[x:y] for x, y in cells]
                if any(not v or len(v) > 60 or "。" in v or re.match(r"[一二三四五六七八九十]+、", v)
                       for v in values):
                    break
                table.rows.append(dict(zip(headers, cells, strict=True)))
                j += width
            if table.rows:
                tables.append(table)
            i = max(j, i + 1)
            continue
        i += 1
    return tables
