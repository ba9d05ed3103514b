#!/usr/bin/env python3
"""Make the fonts that ship with bulletin, so that a machine with no CJK fonts builds a correct PDF.

Sources are Debian packages (all SIL OFL 1.1):
  fonts-noto-cjk        Noto Serif CJK SC Regular, Noto Sans CJK SC Regular
  fonts-noto-cjk-extra  Noto Serif CJK SC Black
  fonts-lxgw-wenkai     LXGW WenKai Regular

Each face is subset and renamed to a family of our own ("Bulletin Song" ...). Renaming is required
for LXGW WenKai, whose licence reserves the names "霞鹜" and "LXGW" for the original; for Noto it
keeps a subset from being mistaken for a complete installed Noto.

Every face keeps the characters of `common()`: all of 《通用规范汉字表》 (tongyong-8105.txt, the list
names are registered in), GB 2312, the symbol ranges below and every character of content/**/*.yaml.
Bulletin Song Regular and Bulletin Hei keep all of GBK as well (the body text and 黑体 fall back on
them; theme chains in templates/fonts.yaml).

Usage (needs `pip install fonttools` and the three Debian packages):
    python3 assets/fonts/make_fonts.py [--extra FILE ...]
    python3 assets/fonts/make_fonts.py --refresh-8105   # rewrite tongyong-8105.txt from Unihan first
"""
import argparse
import bz2
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

NOTO = pathlib.Path("/usr/share/fonts/opentype/noto")
WENKAI = pathlib.Path("/usr/share/fonts/truetype/lxgw-wenkai")
UNIHAN = pathlib.Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")  # Debian unicode-data
TONGYONG = HERE / "tongyong-8105.txt"

# (output file, new family, style, weight class, source file, face in the collection, all of GBK?)
FACES = [
    ("BulletinSong-Regular.otf", "Bulletin Song", "Regular", 400, NOTO / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", True),
    ("BulletinSong-Black.otf", "Bulletin Song", "Black", 900, NOTO / "NotoSerifCJK-Black.ttc", "Noto Serif CJK SC", False),
    ("BulletinHei-Regular.otf", "Bulletin Hei", "Regular", 400, NOTO / "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", True),
    ("BulletinKai-Regular.ttf", "Bulletin Kai", "Regular", 400, WENKAI / "LXGWWenKai-Regular.ttf", None, False),
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

# The OpenType features kept: those HarfBuzz applies to horizontal text by default, and those Typst
# switches on for `text(...)` settings (numbers, fractions, super/subscripts, small caps, stylistic
# sets). Dropped: aalt (glyph pickers), vert/vrt2/vjmo (vertical text), fwid/hwid/pwid/ruby/hist
# (never asked for), whose alternates would more than double the glyph count.
FEATURES = [
    "ccmp", "locl", "rlig", "rclt", "calt", "clig", "liga", "curs", "kern", "mark", "mkmk",
    "dlig", "hlig", "salt", "smcp", "c2sc", "lnum", "onum", "pnum", "tnum", "zero",
    "frac", "numr", "dnom", "sups", "subs", "halt", "palt",
] + [f"ss{i:02d}" for i in range(1, 21)]

# The templates set `lang: "zh", region: "cn"`, which HarfBuzz shapes as OpenType language ZHS. The
# other languages' locl substitutions (Japanese, Korean, traditional forms) are never applied, so
# they are removed before subsetting: their glyphs were 40 % of each Noto subset.
KEEP_LANGUAGES = {"ZHS "}


def gb2312():
    """Every character of GB 2312 (6763 Han characters plus its symbols), decoded from the codec."""
    return decode_all("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def gbk():
    """Every character of GBK: its two-byte codes as code page 936 decodes them, and as GB 18030
    (which maps 80 codes that code page 936 leaves out to CJK Extension A; GB 18030-2022, as the
    WHATWG encoding standard and browsers use it, maps eight more to U+9FB4–U+9FBB). 20 983 Han
    characters plus symbols."""
    leads, trails = range(0x81, 0xFF), range(0x40, 0xFF)
    chars = decode_all("gbk", leads, trails) | decode_all("gb18030", leads, trails)
    chars.update(chr(c) for c in range(0x9FB4, 0x9FBC))
    # GB 18030 (2005) maps the rest of its user-defined area to private-use code points.
    return {c for c in chars if not 0xE000 <= ord(c) <= 0xF8FF}


def decode_all(codec, leads, trails):
    chars = set()
    for hi in leads:
        for lo in trails:
            try:
                chars.add(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


def refresh_tongyong():
    """Writes tongyong-8105.txt from the Unihan field kTGH (《通用规范汉字表》, 2013), in table order."""
    version = date = "?"
    entries = []
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Unicode version:"):
                version = line.split(":", 1)[1].strip()
            elif line.startswith("# Date:"):
                date = line.split(":", 1)[1].strip()
            elif "\tkTGH\t" in line:
                code, _, value = line.rstrip("\n").split("\t")
                # "2013:6602": the year of the table and the character's number in it
                number = int(value.split(":")[1])
                entries.append((number, int(code[2:], 16)))
    entries.sort()
    if [n for n, _ in entries] != list(range(1, 8106)):
        sys.exit(f"{UNIHAN}: kTGH does not number 1–8105 ({len(entries)} entries)")
    header = [
        "# 《通用规范汉字表》(2013): the 8105 characters, in the table's order",
        "# (1–3500 level 1, 3501–6500 level 2, 6501–8105 level 3).",
        f"# Source: Unicode Han Database (Unihan), field kTGH, Unicode {version},",
        f"# Unihan_OtherMappings.txt of {date} (Debian package unicode-data).",
        "# Written by assets/fonts/make_fonts.py --refresh-8105. Columns: number, character, code point.",
    ]
    lines = [f"{n}\t{chr(c)}\tU+{c:04X}" for n, c in entries]
    TONGYONG.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{TONGYONG.name}: {len(entries)} characters (Unicode {version})")


def tongyong():
    """The 8105 characters of tongyong-8105.txt."""
    chars = set()
    for line in TONGYONG.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            chars.add(line.split("\t")[1])
    if len(chars) != 8105:
        sys.exit(f"{TONGYONG}: {len(chars)} characters, expected 8105")
    return chars


def common(extra_files):
    """The characters every face keeps."""
    chars = gb2312() | tongyong()
    for lo, hi in RANGES:
        chars.update(chr(c) for c in range(lo, hi + 1))
    files = list(ROOT.glob("content/**/*.yaml")) + [pathlib.Path(f) for f in extra_files]
    for f in files:
        chars.update(c for c in f.read_text(encoding="utf-8") if ord(c) >= 0x20)
    return chars


def load(source, family):
    # Keep the source's dates: the same sources give the same bytes.
    if source.suffix == ".ttc":
        for font in TTCollection(str(source)).fonts:
            name = font["name"]
            if (name.getDebugName(16) or name.getDebugName(1)) == family:
                font.recalcTimestamp = False
                return font
        sys.exit(f"{source}: no face named {family}")
    return TTFont(str(source), recalcTimestamp=False)


def keep_languages(font):
    for tag in ("GSUB", "GPOS"):
        if tag not in font or not font[tag].table.ScriptList:
            continue
        for record in font[tag].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in KEEP_LANGUAGES]
            script.LangSysCount = len(script.LangSysRecord)


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
    parser.add_argument("--refresh-8105", action="store_true", help=f"rewrite {TONGYONG.name} from {UNIHAN}")
    args = parser.parse_args()
    if args.refresh_8105:
        refresh_tongyong()
    chars = common(args.extra)
    (HERE / "charset.txt").write_text("".join(sorted(chars)) + "\n", encoding="utf-8")
    print(f"{len(chars)} characters in every face, {len(chars | gbk())} with GBK")
    needed = tongyong()
    for out, family, style, weight, source, face, with_gbk in FACES:
        font = load(source, face)
        wanted = chars | gbk() if with_gbk else chars
        # A face must have every character of the table; of the rest, it keeps what it has.
        lacking = sorted(c for c in needed if ord(c) not in font.getBestCmap())
        if lacking:
            sys.exit(f"{source}: lacks {len(lacking)} characters of 《通用规范汉字表》: {''.join(lacking[:20])}")
        keep_languages(font)
        options = subset.Options()
        options.layout_features = FEATURES
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = False
        sub = subset.Subsetter(options)
        sub.populate(unicodes=[ord(c) for c in wanted])
        sub.subset(font)
        rename(font, family, style, weight)
        font.save(str(HERE / out))
        kept = len(font.getBestCmap())
        print(f"{out}: {kept} characters, {font['maxp'].numGlyphs} glyphs, {(HERE / out).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
