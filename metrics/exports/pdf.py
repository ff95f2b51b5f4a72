"""PDF (fpdf2): a title page (period, scope, snapshot id and checksum), the main table over as many
pages as it needs (header repeated), KPI charts rendered from Altair to PNG by vl-convert, the
viewer's name and the time as a watermark on every page, page numbers. Chinese text uses Noto Sans
CJK from the system (Debian `fonts-noto-cjk`): the glyphs the pack needs are subset and converted
to TrueType outlines before embedding, because fpdf2 writes CFF (OpenType) CJK fonts with widths
that text extractors misread; the TrueType form is what every viewer and extractor handles."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import altair as alt
import pandas as pd

from metrics.core.catalogue import BY_ID
from metrics.exports.documents import (
    FAMILY_ZH,
    Document,
    ExportError,
    facts,
    family_sheets,
    measure_name,
    metric_label,
    ranking_columns,
    trend_columns,
    trend_head,
    who,
)
from metrics.exports.values import WAN, number_or_none, print_text

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
# Face 2 of the Noto Sans CJK collection is Simplified Chinese (JP, KR, SC, TC, HK).
SC_FACE = 2

# --- charts ---------------------------------------------------------------------------------------


def score_chart(frame: pd.DataFrame, items: list[str]) -> alt.Chart:
    """Item scores stacked to each staff member's total, best first."""
    # Staff by name on the axis (ids mean nothing at a meeting), best first.
    frame = frame.sort_values(["rank", "entity_id"]) if len(frame) else frame
    labels = who(frame) if len(frame) else []
    long = [
        {
            "entity_id": label,
            "item": BY_ID[k].name_zh,
            "points": float(r[f"score_{k}"] or 0),
        }
        for label, r in zip(labels, frame.to_dict("records"), strict=True)
        for k in items
    ]
    order = labels
    return (
        alt.Chart(
            pd.DataFrame(long, columns=["entity_id", "item", "points"]), title="考核得分 Scores"
        )
        .mark_bar()
        .encode(
            x=alt.X("entity_id:N", sort=order, title="姓名"),
            y=alt.Y("sum(points):Q", title="得分"),
            color=alt.Color("item:N", title="指标"),
        )
        .properties(width=640, height=260)
    )


def metric_chart(frame: pd.DataFrame, metric_id: str) -> alt.Chart:
    metric = BY_ID[metric_id]
    values = [
        {
            "entity_id": label,
            "value": (number_or_none(r[metric_id]) or 0) / (WAN if metric.unit == "yuan" else 1),
        }
        for label, r in zip(who(frame), frame.to_dict("records"), strict=True)
    ]
    return (
        alt.Chart(pd.DataFrame(values, columns=["entity_id", "value"]), title=metric_label(metric))
        .mark_bar()
        .encode(
            x=alt.X("entity_id:N", sort="-y", title="名称"),
            y=alt.Y("value:Q", title=metric_label(metric)),
        )
        .properties(width=640, height=220)
    )


def charts(source: Document, frame: pd.DataFrame) -> list[alt.Chart]:
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
    raise ExportError(
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


def to_pdf(document: Document, frame: pd.DataFrame, viewer: str, now: dt.datetime) -> bytes:
    """The printed pack of `document`, whose rows as the viewer may see them are `frame`."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    source = document
    if source.kind == "appraisal" and "rank" in frame and len(frame):
        frame = frame.sort_values(["rank", "entity_id"], kind="stable")
    columns = ranking_columns(source, frame)
    title_facts = facts(source, viewer, now)
    body = [[print_text(c.unit, r.get(c.key)) for c in columns] for r in frame.to_dict("records")]
    watermark = f"{viewer} {now:%Y-%m-%d %H:%M}"
    family_titles = [f"{FAMILY_ZH.get(f, f)} {f}" for f, _ in family_sheets(source, frame)]
    # One trend table per measure: who, each period's figure, the change against the previous.
    trend_tables = [
        (
            f"趋势 Trend · {measure_name(measure)}",
            [c.label for c in [*trend_head(frame), *cols]],
            [
                [print_text(c.unit, r.get(c.key)) for c in [*trend_head(frame), *cols]]
                for r in frame.to_dict("records")
            ],
        )
        for measure, cols in trend_columns(source, frame)
    ]
    text = "".join(
        _chars(
            [k for k, _ in title_facts],
            [v for _, v in title_facts],
            [c.label for c in columns],
            [cell for row in body for cell in row],
            [watermark, "第页共 /0123456789", source.title, "考核结果会议材料指标排名图表"],
            family_titles,
            [t for title, head, rows in trend_tables for t in [title, *head, *sum(rows, [])]],
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
        for key, value in title_facts:
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

        # The trend, one table per measure, one after the other (a new page only when full).
        if trend_tables:
            pdf.add_page()
        for title, head, rows in trend_tables:
            pdf.set_font("cjk", size=12)
            pdf.cell(0, 8, title)
            pdf.ln(10)
            pdf.set_font("cjk", size=8)
            with pdf.table(
                headings_style=FontFace(emphasis=None, fill_color=(221, 230, 240)),
                line_height=5,
                text_align="LEFT",
                repeat_headings=1,
            ) as trend_table:
                heading = trend_table.row()
                for label in head:
                    heading.cell(label)
                for values in rows:
                    row = trend_table.row()
                    for value in values:
                        row.cell(value)
            pdf.ln(6)

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
