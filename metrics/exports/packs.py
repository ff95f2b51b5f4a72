"""Meeting packs: a snapshot (or the current view) as Excel, PDF or CSV for a meeting.

- Excel (xlsxwriter): a summary sheet, the ranking, one sheet per KPI family; money in 万元 (the
  value divided by 10,000, shown with a number format, the unit in the header), ratios as
  percentages, frozen header row, widths fitted to the content. Every text cell is written with
  `write_string` and the workbook has `strings_to_formulas` off, so a name such as
  `=HYPERLINK(...)` stays text and never becomes a formula.
- PDF (fpdf2): a title page (period, scope, snapshot id and checksum), the ranking table over as
  many pages as it needs (header repeated), KPI charts rendered from Altair to PNG by
  vl-convert, the viewer's name and the time as a watermark on every page, page numbers. Chinese
  text uses Noto Sans CJK from the system (Debian `fonts-noto-cjk`): the glyphs the pack needs
  are subset and converted to TrueType outlines before embedding, because fpdf2 writes CFF
  (OpenType) CJK fonts with widths that text extractors misread; the TrueType form is what every
  viewer and extractor handles.
- CSV: UTF-8 with a BOM (Excel then reads the Chinese text correctly); text cells starting with
  `= + - @`, tab or CR get a leading `'` so a spreadsheet never runs them as formulas.

Personal data (the `name` column) is masked with `metrics.masking` unless the viewer may unmask.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from metrics.appraisal.schemes import Scheme
from metrics.appraisal.snapshots import SnapshotRecord, scope_from_key
from metrics.core.catalogue import APPRAISAL_FAMILIES, BY_ID, Metric
from metrics.core.masking import mask_frame
from metrics.core.scope import Scope
from metrics.core.values import is_null

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
# Face 2 of the Noto Sans CJK collection is Simplified Chinese (JP, KR, SC, TC, HK).
SC_FACE = 2
FAMILY_ZH = {
    "financial": "财务类",
    "client": "客户类",
    "process": "过程类",
    "growth": "成长类",
    "supervision": "履职监督",
    "health": "组合健康度",
}
LABELS = {
    "entity_id": "编号",
    "name": "姓名",
    "org_id": "机构",
    "role": "岗位",
    "total": "总分",
    "rank": "名次",
    "grade": "等级",
    "flags": "提示",
}


class PackError(RuntimeError):
    """A pack that cannot be made (e.g. no CJK font installed)."""


@dataclass(frozen=True)
class PackSource:
    """What a pack shows: a frame plus the facts of its title page."""

    kind: str  # appraisal | scorecard | supervision | health
    title: str
    period: str
    scope: str  # a Scope cache key
    frame: pd.DataFrame
    level: str = "staff"
    snapshot_id: str | None = None
    sha256: str | None = None
    taken_by: str | None = None
    taken_at: dt.datetime | None = None
    scheme: Scheme | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def items(self) -> list[str]:
        return [i.kpi for i in self.scheme.items] if self.scheme else []


def from_snapshot(record: SnapshotRecord) -> PackSource:
    if not record.verified:
        raise PackError(f"snapshot {record.snapshot_id} failed its checksum: no pack is made")
    return PackSource(
        kind=record.kind,
        title=record.title,
        period=record.period,
        scope=record.scope,
        frame=record.frame,
        level=record.level,
        snapshot_id=record.snapshot_id,
        sha256=record.sha256,
        taken_by=record.created_by,
        taken_at=record.created_at,
        scheme=record.scheme,
    )


def from_current(
    kind: str,
    frame: pd.DataFrame,
    period: str,
    scope: Scope,
    *,
    title: str | None = None,
    level: str = "staff",
    scheme: Scheme | None = None,
) -> PackSource:
    """A pack of what is on screen now (not frozen: the title page says "current view")."""
    return PackSource(
        kind=kind,
        title=title or (scheme.label if scheme else f"{kind} ({level})"),
        period=period,
        scope=scope.cache_key(),
        frame=frame,
        level=level,
        scheme=scheme,
    )


def scope_text(key: str) -> str:
    scope = scope_from_key(key)
    if scope.is_everything:
        return "全行 (whole bank)"
    parts = [f"机构 {o}" for o in sorted(scope.org_ids or ())]
    parts += [f"员工 {s}" for s in sorted(scope.staff_ids)]
    return ", ".join(parts) or "(nothing)"


def _visible(source: PackSource, may_unmask: bool) -> pd.DataFrame:
    frame = source.frame
    return frame if may_unmask else mask_frame(frame)


# --- columns: which, in what order, with which label and unit ---------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str  # text | yuan | ratio | count | score | points | days | minutes | hours | rank


def _metric_unit(metric: Metric) -> str:
    return metric.unit


def _label(metric: Metric, prefix: str = "") -> str:
    suffix = " (万元)" if metric.unit == "yuan" else ""
    return f"{prefix}{metric.name_zh}{suffix}"


def ranking_columns(source: PackSource, frame: pd.DataFrame) -> list[Column]:
    described = [c for c in ("name", "org_id") if c in frame]
    if source.kind == "appraisal":
        cols = [
            Column("rank", LABELS["rank"], "rank"),
            Column("entity_id", LABELS["entity_id"], "text"),
        ]
        cols += [Column(c, LABELS[c], "text") for c in described]
        cols += [
            Column("grade", LABELS["grade"], "text"),
            Column("total", LABELS["total"], "points"),
        ]
        cols += [Column(f"score_{k}", f"{BY_ID[k].name_zh}得分", "points") for k in source.items]
        return cols
    cols = [Column("entity_id", LABELS["entity_id"], "text")]
    cols += [Column(c, LABELS[c], "text") for c in described]
    cols += [Column(c, _label(BY_ID[c]), _metric_unit(BY_ID[c])) for c in frame if c in BY_ID]
    return cols


def family_sheets(source: PackSource, frame: pd.DataFrame) -> list[tuple[str, list[Column]]]:
    """(family, columns) per KPI family present, in catalogue family order."""
    head = [Column("entity_id", LABELS["entity_id"], "text")]
    head += [Column("name", LABELS["name"], "text")] if "name" in frame else []
    out: list[tuple[str, list[Column]]] = []
    if source.kind == "appraisal":
        for family in APPRAISAL_FAMILIES:
            kpis = [k for k in source.items if BY_ID[k].family == family]
            if not kpis:
                continue
            cols = list(head)
            for k in kpis:
                metric = BY_ID[k]
                cols.append(Column(f"actual_{k}", _label(metric), _metric_unit(metric)))
                cols.append(Column(f"score_{k}", f"{metric.name_zh}得分", "points"))
                cols.append(Column(f"explain_{k}", f"{metric.name_zh}说明", "text"))
            out.append((family, cols))
        return out
    families: dict[str, list[Column]] = {}
    for c in frame.columns:
        if c in BY_ID:
            metric = BY_ID[c]
            families.setdefault(metric.family, list(head)).append(
                Column(c, _label(metric), _metric_unit(metric))
            )
    return list(families.items())


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or isinstance(value, str | bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(value: Any) -> str:
    if is_null(value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def display_value(column: Column, value: Any) -> str:
    """A cell as text for the PDF (money in 万元, ratios in %)."""
    if column.unit == "text":
        return _text(value)
    number = _number(value)
    if number is None:
        return value if isinstance(value, str) else ""
    if column.unit == "yuan":
        return f"{number / 10000:,.2f}"
    if column.unit == "ratio":
        return f"{number:.1%}"
    if column.unit in ("count", "rank", "days"):
        return f"{number:,.0f}"
    return f"{number:,.2f}"


# --- Excel -------------------------------------------------------------------------------------


def to_xlsx(
    source: PackSource, viewer: str, may_unmask: bool, now: dt.datetime | None = None
) -> bytes:
    import xlsxwriter

    now = now or dt.datetime.now()
    frame = _visible(source, may_unmask)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True})
    formats = {
        "yuan": book.add_format({"num_format": "#,##0.00"}),
        "ratio": book.add_format({"num_format": "0.0%"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "rank": book.add_format({"num_format": "0"}),
        "days": book.add_format({"num_format": "0"}),
        "points": book.add_format({"num_format": "0.00"}),
        "score": book.add_format({"num_format": "0.00"}),
        "minutes": book.add_format({"num_format": "0.0"}),
        "hours": book.add_format({"num_format": "0.0"}),
    }
    bold = book.add_format({"bold": True})

    summary = book.add_worksheet("汇总 Summary")
    facts = _facts(source, viewer, now)
    for row, (key, value) in enumerate(facts):
        summary.write_string(row, 0, key, bold)
        summary.write_string(row, 1, value)
    summary.set_column(0, 0, 18)
    summary.set_column(1, 1, 72)

    def table(name: str, columns: list[Column]) -> None:
        sheet = book.add_worksheet(name)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.label, header)
        widths = [_width(column.label) for column in columns]
        for r, record in enumerate(frame.to_dict("records"), start=1):
            for c, column in enumerate(columns):
                value = record.get(column.key)
                number = _number(value)
                if column.unit == "text" or (
                    number is None and value is not None and not is_null(value)
                ):
                    text = _text(value)
                    sheet.write_string(r, c, text)
                    widths[c] = max(widths[c], _width(text))
                elif number is None:
                    sheet.write_blank(r, c, None)
                else:
                    shown = number / 10000 if column.unit == "yuan" else number
                    sheet.write_number(r, c, shown, formats.get(column.unit))
                    widths[c] = max(widths[c], len(f"{shown:,.2f}") + 2)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(max(width, 8), 60))
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)

    table(
        "排名 Ranking" if source.kind == "appraisal" else "指标 Table",
        ranking_columns(source, frame),
    )
    for family, columns in family_sheets(source, frame):
        table(f"{FAMILY_ZH.get(family, family)} {family}"[:31], columns)
    book.close()
    return buffer.getvalue()


def _width(text: str) -> int:
    # A CJK character takes about two Latin character widths in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) + 2


def _facts(source: PackSource, viewer: str, now: dt.datetime) -> list[tuple[str, str]]:
    facts = [
        ("标题 Title", source.title),
        ("期间 Period", source.period),
        ("范围 Scope", scope_text(source.scope)),
        ("快照 Snapshot", source.snapshot_id or "当前视图 current view (not frozen)"),
        ("校验和 SHA-256", source.sha256 or ""),
    ]
    if source.scheme is not None:
        facts.append(
            (
                "方案 Scheme",
                f"{source.scheme.name} v{source.scheme.version or '-'} ({source.scheme.scheme_id or 'file'})",
            )
        )
    if source.taken_at is not None:
        facts.append(("拍摄 Taken", f"{source.taken_by or ''} {source.taken_at:%Y-%m-%d %H:%M:%S}"))
    facts.append(("导出 Exported", f"{viewer} {now:%Y-%m-%d %H:%M:%S}"))
    return facts


# --- CSV ---------------------------------------------------------------------------------------


def _neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(source: PackSource, may_unmask: bool) -> bytes:
    """The ranking / table columns by id (as the command line names them), UTF-8 with BOM."""
    frame = _visible(source, may_unmask)
    if source.kind == "appraisal":
        keys = ["entity_id", "total", "rank", "grade", *(f"score_{k}" for k in source.items)]
        keys += [c for c in ("name", "org_id", "role", "flags") if c in frame]
    else:
        keys = list(frame.columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    for record in frame.to_dict("records"):
        row = []
        for key in keys:
            value = record.get(key)
            if isinstance(value, str):
                row.append(_neutralised(value))
            elif isinstance(value, float) and not math.isnan(value):
                row.append(repr(value))
            else:
                row.append(_text(value))
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


# --- charts --------------------------------------------------------------------------------------


def score_chart(frame: pd.DataFrame, items: list[str]) -> alt.Chart:
    """Item scores stacked to each staff member's total, best first."""
    long = [
        {
            "entity_id": r["entity_id"],
            "item": BY_ID[k].name_zh,
            "points": float(r[f"score_{k}"] or 0),
        }
        for r in frame.to_dict("records")
        for k in items
    ]
    order = list(frame.sort_values(["rank", "entity_id"])["entity_id"]) if len(frame) else []
    return (
        alt.Chart(
            pd.DataFrame(long, columns=["entity_id", "item", "points"]), title="考核得分 Scores"
        )
        .mark_bar()
        .encode(
            x=alt.X("entity_id:N", sort=order, title="编号"),
            y=alt.Y("sum(points):Q", title="得分"),
            color=alt.Color("item:N", title="指标"),
        )
        .properties(width=640, height=260)
    )


def metric_chart(frame: pd.DataFrame, metric_id: str) -> alt.Chart:
    metric = BY_ID[metric_id]
    values = [
        {
            "entity_id": r["entity_id"],
            "value": (_number(r[metric_id]) or 0) / (10000 if metric.unit == "yuan" else 1),
        }
        for r in frame.to_dict("records")
    ]
    return (
        alt.Chart(pd.DataFrame(values, columns=["entity_id", "value"]), title=_label(metric))
        .mark_bar()
        .encode(
            x=alt.X("entity_id:N", sort="-y", title="编号"),
            y=alt.Y("value:Q", title=_label(metric)),
        )
        .properties(width=640, height=220)
    )


def charts(source: PackSource, frame: pd.DataFrame) -> list[alt.Chart]:
    if source.kind == "appraisal":
        return [score_chart(frame, source.items)] if source.items else []
    # One chart per family: its first metric, so a long table still gives a short pack.
    seen: dict[str, str] = {}
    for c in frame.columns:
        if c in BY_ID:
            seen.setdefault(BY_ID[c].family, c)
    return [metric_chart(frame, m) for m in seen.values()]


def chart_png(chart: alt.Chart, font_dir: str | None) -> bytes:
    import vl_convert as vlc

    if font_dir:
        vlc.register_font_directory(font_dir)
    spec = chart.configure(font="Noto Sans CJK SC").to_dict()
    return vlc.vegalite_to_png(spec, scale=2)


# --- PDF -----------------------------------------------------------------------------------------


def cjk_font_path() -> Path:
    """Noto Sans CJK (or `$WEALTH_CJK_FONT`); a clear error naming the package when absent."""
    candidates = [os.environ.get("WEALTH_CJK_FONT", ""), *FONT_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise PackError(
        "no Chinese font for the PDF: install the Debian package fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk) or set WEALTH_CJK_FONT to a CJK .ttc/.otf/.ttf file"
    )


def truetype_subset(path: Path, text: str) -> bytes:
    """The glyphs of `text` from a CJK font, as a small TrueType font (see the module docstring)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    number = SC_FACE if path.suffix.lower() == ".ttc" else -1
    font = TTFont(str(path), fontNumber=number, lazy=False) if number >= 0 else TTFont(str(path))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    if "CFF " in font:
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["loca"] = newTable("loca")
        font["glyf"] = glyf
        del font["CFF "]
        if "VORG" in font:
            del font["VORG"]
        glyf.compile(font)
        hmtx = font["hmtx"]
        for name, glyph in glyf.glyphs.items():
            if hasattr(glyph, "xMin"):
                hmtx[name] = (hmtx[name][0], glyph.xMin)
        maxp = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in (
            "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
            "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
            "maxComponentElements",
        ):  # fmt: skip
            setattr(maxp, attr, 1 if attr == "maxZones" else 0)
        font["maxp"] = maxp
        post = font["post"]
        post.formatType = 3.0  # no glyph names: CID names mean nothing to a viewer
        font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def to_pdf(
    source: PackSource, viewer: str, may_unmask: bool, now: dt.datetime | None = None
) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    now = now or dt.datetime.now()
    frame = _visible(source, may_unmask)
    if source.kind == "appraisal" and "rank" in frame and len(frame):
        frame = frame.sort_values(["rank", "entity_id"], kind="stable")
    columns = ranking_columns(source, frame)
    facts = _facts(source, viewer, now)
    body = [[display_value(c, r.get(c.key)) for c in columns] for r in frame.to_dict("records")]
    watermark = f"{viewer} {now:%Y-%m-%d %H:%M}"
    family_titles = [f"{FAMILY_ZH.get(f, f)} {f}" for f, _ in family_sheets(source, frame)]
    text = "".join(
        _chars(
            [k for k, _ in facts],
            [v for _, v in facts],
            [c.label for c in columns],
            [cell for row in body for cell in row],
            [watermark, "第页共 /0123456789", source.title, "考核结果会议材料指标排名图表"],
            family_titles,
        )
    )
    font_path = cjk_font_path()
    with tempfile.TemporaryDirectory() as tmp:
        font_file = Path(tmp) / "cjk-subset.ttf"
        font_file.write_bytes(truetype_subset(font_path, text))

        class Pack(FPDF):
            def header(self) -> None:
                # The watermark is drawn first on every page, so the content sits on top of it.
                with self.local_context(text_color=(215, 215, 215)):
                    self.set_font("cjk", size=28)
                    x, y = self.w / 2 - 70, self.h / 2 + 20
                    with self.rotation(30, x + 70, y):
                        self.text(x, y, watermark)
                self.set_font("cjk", size=8)

            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("cjk", size=8)
                self.cell(0, 8, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")

        pdf = Pack(orientation="landscape", format="A4")
        pdf.set_auto_page_break(True, margin=15)
        pdf.add_font("cjk", fname=str(font_file))
        pdf.set_title(source.title)
        pdf.set_author(viewer)

        # Title page.
        pdf.add_page()
        pdf.set_font("cjk", size=20)
        pdf.ln(20)
        pdf.cell(
            0, 14, "考核结果会议材料" if source.kind == "appraisal" else "指标会议材料", align="C"
        )
        pdf.ln(16)
        pdf.set_font("cjk", size=14)
        pdf.cell(0, 10, source.title, align="C")
        pdf.ln(18)
        pdf.set_font("cjk", size=10)
        for key, value in facts:
            pdf.cell(45, 8, key)
            pdf.cell(0, 8, value)
            pdf.ln(8)

        # The ranking (or the table), as many pages as it needs.
        pdf.add_page()
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 8, "排名 Ranking" if source.kind == "appraisal" else "指标 Table")
        pdf.ln(10)
        pdf.set_font("cjk", size=7 if len(columns) > 10 else 8)
        with pdf.table(
            headings_style=FontFace(emphasis=None, fill_color=(221, 230, 240)),
            line_height=5,
            text_align="LEFT",
            repeat_headings=1,
        ) as table:
            heading = table.row()
            for c in columns:
                heading.cell(c.label)
            for values in body:
                row = table.row()
                for value in values:
                    row.cell(value)

        # Charts.
        images = [chart_png(chart, str(font_path.parent)) for chart in charts(source, frame)]
        for png in images:
            pdf.add_page()
            pdf.image(io.BytesIO(png), x=15, y=20, w=pdf.w - 30)
        return bytes(pdf.output())


def _chars(*groups: Iterable[str]) -> Iterable[str]:
    seen = {chr(c) for c in range(32, 127)}
    for group in groups:
        for text in group:
            seen.update(text)
    return sorted(seen)


# --- one call for the pages and the command line -----------------------------------------------


FORMATS = ("xlsx", "pdf", "csv")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}


def render(source: PackSource, fmt: str, viewer: str, may_unmask: bool) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(source, viewer, may_unmask)
    if fmt == "pdf":
        return to_pdf(source, viewer, may_unmask)
    if fmt == "csv":
        return to_csv(source, may_unmask)
    raise PackError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def export_snapshot(
    conn: Any,
    snapshot_id: str,
    fmt: str,
    viewer: str,
    scope: Scope,
    may_unmask: bool,
) -> bytes:
    """A pack of a snapshot as `viewer` may see it (their scope; masked unless they may unmask);
    the export is audited on `conn`."""
    from metrics.appraisal.snapshots import read

    record = read(conn, snapshot_id, scope)
    data = render(from_snapshot(record), fmt, viewer, may_unmask)
    try:
        from data.audit import record as audit
    except ImportError:  # the audit module belongs to another change
        return data
    audit(
        conn,
        viewer,
        "export",
        snapshot_id,
        {"format": fmt, "sha256": record.sha256, "unmasked": may_unmask, "rows": len(record.frame)},
    )
    return data
