//! A small .docx writer for the import tests: the parts Word and WPS write (content types,
//! relationships, document, numbering, media), zipped, with hand-written WordprocessingML.

use std::io::Write;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A document being put together, body XML first.
#[derive(Default)]
pub struct Docx {
    body: String,
    numbering: Option<String>,
    media: Vec<(String, Vec<u8>)>,
}

/// XML text with the five special characters escaped.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One run; `bold` adds `<w:b/>`. A `\n` in the text is Word's soft line break `<w:br/>`.
pub fn run(text: &str, bold: bool) -> String {
    let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    let parts: Vec<String> = text
        .split('\n')
        .map(|t| format!("<w:t xml:space=\"preserve\">{}</w:t>", esc(t)))
        .collect();
    format!("<w:r>{rpr}{}</w:r>", parts.join("<w:br/>"))
}

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    /// A paragraph of runs with paragraph properties `ppr` (may be empty).
    pub fn para_xml(&mut self, ppr: &str, runs: &str) -> &mut Docx {
        let ppr = if ppr.is_empty() {
            String::new()
        } else {
            format!("<w:pPr>{ppr}</w:pPr>")
        };
        self.body.push_str(&format!("<w:p>{ppr}{runs}</w:p>"));
        self
    }

    /// A plain paragraph.
    pub fn para(&mut self, text: &str) -> &mut Docx {
        self.para_xml("", &run(text, false))
    }

    /// A centred paragraph in 22 pt (二号), as titles are set.
    pub fn title(&mut self, text: &str) -> &mut Docx {
        self.para_xml(
            "<w:jc w:val=\"center\"/>",
            &format!(
                "<w:r><w:rPr><w:sz w:val=\"44\"/></w:rPr><w:t>{}</w:t></w:r>",
                esc(text)
            ),
        )
    }

    /// A paragraph of (text, bold) runs.
    pub fn runs(&mut self, runs: &[(&str, bool)]) -> &mut Docx {
        let xml: String = runs.iter().map(|(t, b)| run(t, *b)).collect();
        self.para_xml("", &xml)
    }

    /// A paragraph with Word's automatic numbering: list `num_id`, level `ilvl`.
    pub fn numbered(&mut self, num_id: u32, ilvl: u32, text: &str) -> &mut Docx {
        self.para_xml(
            &format!("<w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num_id}\"/></w:numPr>"),
            &run(text, false),
        )
    }

    /// A centred paragraph holding a picture (DrawingML inline, as Word inserts it).
    pub fn picture(&mut self, file: &str, bytes: Vec<u8>) -> &mut Docx {
        self.media.push((file.to_string(), bytes));
        let id = format!("rIdImg{}", self.media.len());
        let n = self.media.len();
        let drawing = format!(
            r#"<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="3600000" cy="2400000"/><wp:docPr id="{n}" name="图片 {n}"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="{n}" name="{file}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3600000" cy="2400000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
        );
        self.para_xml("<w:jc w:val=\"center\"/>", &drawing)
    }

    /// A table; each cell is a list of paragraph XML strings (see [`cell_para`]).
    pub fn table(&mut self, rows: &[Vec<Vec<String>>]) -> &mut Docx {
        let mut xml = String::from("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
        for row in rows {
            xml.push_str("<w:tr>");
            for cell in row {
                xml.push_str("<w:tc>");
                for p in cell {
                    xml.push_str(p);
                }
                if cell.is_empty() {
                    xml.push_str("<w:p/>");
                }
                xml.push_str("</w:tc>");
            }
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl>");
        self.body.push_str(&xml);
        self
    }

    /// `numbering.xml`'s abstract formats and lists, as XML.
    pub fn numbering(&mut self, xml: &str) -> &mut Docx {
        self.numbering = Some(xml.to_string());
        self
    }

    /// The .docx file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut add = |name: &str, bytes: &[u8]| {
            zip.start_file(name, options).unwrap();
            zip.write_all(bytes).unwrap();
        };
        let mut overrides = String::from(
            r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
        );
        if self.numbering.is_some() {
            overrides.push_str(r#"<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>"#);
        }
        add(
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="emf" ContentType="image/x-emf"/>{overrides}</Types>"#
            )
            .as_bytes(),
        );
        add(
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        );
        let mut rels = String::new();
        if self.numbering.is_some() {
            rels.push_str(r#"<Relationship Id="rIdNum" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>"#);
        }
        for (i, (file, _)) in self.media.iter().enumerate() {
            rels.push_str(&format!(
                r#"<Relationship Id="rIdImg{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/{file}"/>"#,
                i + 1
            ));
        }
        add(
            "word/_rels/document.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
            )
            .as_bytes(),
        );
        add(
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#,
                self.body
            )
            .as_bytes(),
        );
        if let Some(numbering) = &self.numbering {
            add(
                "word/numbering.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W}">{numbering}</w:numbering>"#
                )
                .as_bytes(),
            );
        }
        for (file, bytes) in &self.media {
            add(&format!("word/media/{file}"), bytes);
        }
        zip.finish().unwrap().into_inner()
    }
}

/// A paragraph inside a table cell, optionally with automatic numbering (list, level).
pub fn cell_para(text: &str, numbering: Option<(u32, u32)>) -> String {
    let ppr = match numbering {
        Some((id, level)) => format!(
            "<w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>"
        ),
        None => String::new(),
    };
    format!("<w:p>{ppr}{}</w:p>", run(text, false))
}

/// One level of an abstract list format: its number format (decimal, chineseCounting) and text.
pub fn level(ilvl: u32, start: u32, format: &str, text: &str) -> String {
    format!(
        r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{}"/><w:lvlJc w:val="left"/></w:lvl>"#,
        esc(text)
    )
}
