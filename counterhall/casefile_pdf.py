"""The case file as one PDF (电子档案): the application, the figures, the timeline and every
scanned page with its SHA-256, for the archive and an auditor's report.

Drawn by reportlab with its built-in CID font STSong-Light (Chinese without any font file
or network); scanned PDFs are appended page by page with pypdf; images are placed on A4
pages fitted to the margins. Called by ``counterhall.services.case_file_export``, which reads
the files and records the download.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

FONT = "STSong-Light"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=18, spaceBefore=10),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=13),
        "small": ParagraphStyle("small", fontName=font, fontSize=7, leading=9),
    }


def _p(text, style) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text if text is not None else "")), style)


def _table(rows, styles, widths=None, header=True):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    cells = [
        [_p(c, styles["small"] if len(rows[0]) > 3 else styles["body"]) for c in r] for r in rows
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(commands))
    return table


def flatten(value, prefix: str = "") -> list[tuple[str, str]]:
    """Nested figures as (path, value) rows."""
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, item in value.items():
            rows.extend(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list):
        rows = []
        for i, item in enumerate(value, start=1):
            rows.extend(flatten(item, f"{prefix}[{i}]"))
        return rows
    return [(prefix, "" if value is None else str(value))]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def build(*, case, pages) -> bytes:
    """The PDF bytes. ``pages``: ``[(DocumentPage, content bytes)]`` in file order."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from counterhall import audit, selectors
    from counterhall.templatetags.counterhall import local_name

    styles = _styles()
    documents = {d.code: d for d in case.business_type.documents.all()}

    def doc_name(code: str) -> str:
        return local_name(documents[code]) if code in documents else code

    story = [
        _p(_("电子档案") + f"  {case.number}", styles["title"]),
        _table(
            [
                [_("业务类型"), f"{case.business_type.code} {local_name(case.business_type)}"],
                [_("大厅"), str(case.hall)],
                [_("窗口"), str(case.window)],
                [_("受理柜员"), case.teller.get_full_name() or case.teller.get_username()],
                [_("办事人"), case.applicant_name or "—"],
                [_("状态"), str(case.get_state_display())],
                [_("生成时间"), _when(timezone.now())],
            ],
            styles,
            widths=[35 * mm, 135 * mm],
            header=False,
        ),
        _p(_("申请内容"), styles["h2"]),
    ]
    application = selectors.application_rows(case)
    story.append(
        _table([[_("项目"), _("内容")], *application], styles, widths=[60 * mm, 110 * mm])
        if application
        else _p(_("尚未填写。"), styles["body"])
    )
    story.append(_p(_("核算结果"), styles["h2"]))
    figures = flatten(case.figures or {})
    story.append(
        _table([[_("项目"), _("数值")], *figures], styles, widths=[90 * mm, 80 * mm])
        if figures
        else _p(_("无核算结果。"), styles["body"])
    )
    story.append(_p(_("办理记录"), styles["h2"]))
    timeline = [[_("时间"), _("操作人"), _("动作"), _("说明"), "SHA-256"]]
    for entry in audit.history_for(case):
        after = entry.after if isinstance(entry.after, dict) else {}
        before = entry.before if isinstance(entry.before, dict) else {}
        state = ""
        if after.get("state"):
            state = f"{before.get('state', '')} → {after['state']}".strip()
        details = "；".join(
            x for x in (state, "；".join(after.get("reasons") or []), entry.note) if x
        )
        digest = after.get("sha256") or before.get("sha256") or ""
        timeline.append(
            [_when(entry.at), entry.actor_name, audit.action_label(entry.action), details, digest]
        )
    story.append(_table(timeline, styles, widths=[28 * mm, 20 * mm, 25 * mm, 45 * mm, 52 * mm]))
    story.append(_p(_("扫描页面"), styles["h2"]))
    listing = [[_("要件"), _("页码"), _("类型"), _("扫描人、时间"), "SHA-256"]]
    for page, _content in pages:
        listing.append(
            [
                doc_name(page.document_code) + (f"（{page.reason}）" if page.reason else ""),
                str(page.number),
                f"{page.get_content_type_display()} {page.size} B",
                f"{page.added_by.get_full_name() or page.added_by.get_username()} "
                f"{_when(page.added_at)}",
                page.sha256,
            ]
        )
    story.append(
        _table(listing, styles, widths=[45 * mm, 12 * mm, 28 * mm, 33 * mm, 52 * mm])
        if pages
        else _p(_("此业务没有扫描页面。"), styles["body"])
    )

    front = io.BytesIO()
    SimpleDocTemplate(
        front,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{case.number}",
        author=str(case.hall),
    ).build(story)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front.getvalue())))
    for page, content in pages:
        caption = (
            f"{case.number}  {doc_name(page.document_code)}  "
            + _("第 %(n)s 页") % {"n": page.number}
            + f"  SHA-256 {page.sha256}"
        )
        if page.is_pdf:
            writer.append(PdfReader(io.BytesIO(_caption_page(caption, None))))
            writer.append(PdfReader(io.BytesIO(content)))
        else:
            writer.append(PdfReader(io.BytesIO(_caption_page(caption, content))))
    out = io.BytesIO()
    writer.add_metadata({"/Title": f"{case.number}"})
    writer.write(out)
    return out.getvalue()


def _caption_page(caption: str, image: bytes | None) -> bytes:
    """One A4 page: the caption at the top and the image (if any) fitted below it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(_font(), 8)
    pdf.drawString(15 * mm, height - 12 * mm, caption)
    if image is not None:
        reader = ImageReader(io.BytesIO(image))
        iw, ih = reader.getSize()
        box_w, box_h = width - 30 * mm, height - 35 * mm
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        pdf.drawImage(reader, (width - w) / 2, height - 20 * mm - h, w, h)
    else:
        pdf.setFont(_font(), 10)
        pdf.drawString(15 * mm, height - 24 * mm, _("以下为扫描的 PDF 文件原页。"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
