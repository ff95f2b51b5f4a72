"""The dashboard's page icon, drawn here and served by the dashboard itself.

Streamlit turns a `:material/...:` page icon into a favicon address on Google's font server
(fonts.gstatic.com), which a bank's intranet blocks and which would tell an outside host who opens
the dashboard; an image given to `st.set_page_config` is served from the dashboard's own
`/media/` path instead. Drawn with Pillow (a Streamlit dependency) so that no binary file is kept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

SIZE = 64
BLUE = (21, 67, 120, 255)
WHITE = (255, 255, 255, 255)


@cache
def page_icon() -> Any:
    """A 64 px bank building: a roof, four columns and a base, white on the bank's blue."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=12, fill=BLUE)
    draw.polygon([(10, 24), (32, 10), (54, 24)], fill=WHITE)
    for x in (14, 24, 35, 45):
        draw.rectangle((x, 28, x + 5, 46), fill=WHITE)
    draw.rectangle((10, 49, 54, 54), fill=WHITE)
    return image
