#!/usr/bin/env python3
"""Make the fonts that ship with bulletin, so that a machine with no CJK fonts builds a correct PDF.

Sources are Debian packages (all SIL OFL 1.1):
  fonts-noto-cjk        Noto Serif CJK SC Regular / Black, Noto Sans CJK SC Regular
  fonts-lxgw-wenkai     LXGW WenKai Regular

Each face is subset to the characters listed by `charset()` below and renamed to a family of our own
("Bulletin Song" ...). Renaming is required for LXGW WenKai, whose licence reserves the names "霞鹜" and
"LXGW" for the original; for Noto it keeps a subset from being mistaken for a complete installed Noto.

Usage (needs `pip install fonttools` and the two Debian packages):
    python3 assets/fonts/make_fonts.py [--extra FILE ...]
Characters from every content/**/*.yaml are added, so an issue's rare characters are covered too.
"""
import argparse
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

NOTO = pathlib.Path("/usr/share/fonts/opentype/noto")
WENKAI = pathlib.Path("/usr/share/fonts/truetype/lxgw-wenkai")

# (output file, new family, style, weight class, source file, index in collection or None)
FACES = [
    ("BulletinSong-Regular.otf", "Bulletin Song", "Regular", 400, NOTO / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("BulletinSong-Black.otf", "Bulletin Song", "Black", 900, NOTO / "NotoSerifCJK-Black.ttc", "Noto Serif CJK SC"),
    ("BulletinHei-Regular.otf", "Bulletin Hei", "Regular", 400, NOTO / "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("BulletinKai-Regular.ttf", "Bulletin Kai", "Regular", 400, WENKAI / "LXGWWenKai-Regular.ttf", None),
]

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # general punctuation: — … “ ” ‘ ’
    (0x2100, 0x218F),  # letterlike symbols, number forms (Ⅰ Ⅱ …)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (① …)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (△ of the captions)
    (0x2600, 0x26FF),  # miscellaneous symbols (★)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters and months (㈠ …)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
]


def gb2312():
    """Every character of GB 2312 (6763 Han characters plus its symbols), decoded from the codec."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def charset(extra_files):
    chars = gb2312()
    for lo, hi in RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    files = list(ROOT.glob("content/**/*.yaml")) + [pathlib.Path(f) for f in extra_files]
    for f in files:
        chars.update(c for c in f.read_text(encoding="utf-8") if ord(c) >= 0x20)
    return sorted(chars)


def load(source, family):
    if source.suffix == ".ttc":
        for font in TTCollection(str(source)).fonts:
            name = font["name"]
            if (name.getDebugName(16) or name.getDebugName(1)) == family:
                return font
        sys.exit(f"{source}: no face named {family}")
    return TTFont(str(source))


def rename(font, family, style, weight):
    full = f"{family} {style}" if style != "Regular" else family
    ps = f"{family.replace(' ', '')}-{style}"
    name = font["name"]
    # Drop every old name (including localized ones with the reserved names), then write ours.
    name.names = [n for n in name.names if n.nameID in (0, 7, 8, 9, 11, 12, 13, 14)]
    if style in ("Regular", "Bold"):
        ids = {1: family, 2: style}
    else:
        ids = {1: f"{family} {style}", 2: "Regular", 16: family, 17: style}
    ids.update({3: f"{ps};subset-of-{font['name'].getDebugName(6) or 'source'}", 4: full, 6: ps})
    for nid, value in ids.items():
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    font["OS/2"].usWeightClass = weight
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        for key in ("FullName", "FamilyName"):
            if hasattr(top, key):
                setattr(top, key, full if key == "FullName" else family)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", nargs="*", default=[], help="more text files whose characters to keep")
    args = parser.parse_args()
    chars = charset(args.extra)
    (HERE / "charset.txt").write_text("".join(chars) + "\n", encoding="utf-8")
    print(f"{len(chars)} characters")
    for out, family, style, weight, source, face in FACES:
        font = load(source, face)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        sub = subset.Subsetter(options)
        sub.populate(unicodes=[ord(c) for c in chars])
        sub.subset(font)
        rename(font, family, style, weight)
        font.save(str(HERE / out))
        print(f"{out}: {(HERE / out).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
