"""生成第034期的占位照片 01.jpg … 04.jpg（真照片到手后直接覆盖同名文件即可）。

Makes the placeholder photos of issue 034: 1200×800 JPEG, light grey, framed,
marked 「占位图 / PLACEHOLDER」 with the caption and the file name.

用法 / usage:   pip install pillow   然后   python3 make_placeholders.py
(run it from any directory; the images are written next to this script)
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 2  # index 2 in this .ttc is "Noto Sans CJK SC" (简体中文)
W, H = 1200, 800

# 文件名 → 照片说明（与 issue.yaml 中的 caption 一致）
PHOTOS = {
    "01.jpg": "艺术高中党支部汇报党建工作",
    "02.jpg": "民艺、综合、经管系3个支部的任务清单和汇编材料",
    "03.jpg": "创业党支部汇报党建工作",
    "04.jpg": "部分教师的政治学习笔记和心得体会",
}


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size, index=FONT_INDEX)


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: str) -> None:
    draw.text((W // 2, y), text, font=font(size), fill=fill, anchor="mm")


def make(name: str, caption: str) -> None:
    img = Image.new("RGB", (W, H), "#e6e6e6")
    draw = ImageDraw.Draw(img)
    draw.rectangle([24, 24, W - 25, H - 25], outline="#8c8c8c", width=8)  # frame
    draw.line([24, 24, W - 25, H - 25], fill="#d2d2d2", width=3)  # diagonal cross
    draw.line([24, H - 25, W - 25, 24], fill="#d2d2d2", width=3)
    centred(draw, 250, "占位图", 150, "#555555")
    centred(draw, 390, "PLACEHOLDER", 80, "#777777")
    centred(draw, 540, caption, 44, "#333333")
    centred(draw, 640, f"content/034/photos/{name}", 34, "#666666")
    img.save(HERE / name, "JPEG", quality=80, optimize=True)


if __name__ == "__main__":
    for name, caption in PHOTOS.items():
        make(name, caption)
        print(f"{name}: {(HERE / name).stat().st_size // 1024} KB")
