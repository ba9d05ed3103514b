//! Render stage: one Tera set-up for both outputs. `templates/bulletin.typ` is autoescaped with the
//! Typst escape, `templates/bulletin.md` with the Markdown escape, so every plain string from YAML
//! is data in both; converted Markdown fields are marked `safe` in the templates.

pub mod view;

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use tera::{Tera, Value};

use crate::markup::{escape_markdown, escape_string, escape_text};
pub use view::{DEFAULT_PHOTO_WIDTH, IssueView, issue_view, plain};

/// The 版心 (type area) of GB/T 9704: 156 × 225 mm on A4. Photo widths are percentages of its
/// width; the theme's margins make the same area.
pub const TEXT_WIDTH_MM: f64 = 156.0;
pub const TEXT_HEIGHT_MM: f64 = 225.0;

/// The two templates, each in its own Tera instance because the escape function is per instance.
pub struct Templates {
    typst: Tera,
    markdown: Tera,
}

/// The rendered sources of one issue.
pub struct Rendered {
    pub typst: String,
    pub markdown: String,
}

pub const TYPST_TEMPLATE: &str = "bulletin.typ";
pub const MARKDOWN_TEMPLATE: &str = "bulletin.md";

impl Templates {
    /// Loads `bulletin.typ` and `bulletin.md` from the templates folder.
    pub fn load(dir: &Path) -> Result<Templates> {
        Ok(Templates {
            typst: instance(dir, TYPST_TEMPLATE, escape_text)?,
            markdown: instance(dir, MARKDOWN_TEMPLATE, escape_markdown)?,
        })
    }

    pub fn render(&self, view: &IssueView) -> Result<Rendered> {
        let context = tera::Context::from_serialize(view).context("无法准备模板数据")?;
        let typst = self
            .typst
            .render(TYPST_TEMPLATE, &context)
            .map_err(unravel)?;
        let markdown = self
            .markdown
            .render(MARKDOWN_TEMPLATE, &context)
            .map_err(unravel)?;
        Ok(Rendered { typst, markdown })
    }
}

/// Renders another Typst template of the folder (the yearly volume) with the same escaping.
pub fn render_typst(
    dir: &Path,
    name: &'static str,
    data: &impl serde::Serialize,
) -> Result<String> {
    let tera = instance(dir, name, escape_text)?;
    let context = tera::Context::from_serialize(data).context("无法准备模板数据")?;
    tera.render(name, &context).map_err(unravel)
}

fn instance(dir: &Path, name: &'static str, escape: fn(&str) -> String) -> Result<Tera> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取模板 {}", path.display()))?;
    let mut tera = Tera::default();
    tera.add_raw_template(name, &text)
        .map_err(unravel)
        .with_context(|| format!("模板 {} 有错误", path.display()))?;
    tera.autoescape_on(vec![name]);
    tera.set_escape_fn(escape);
    tera.register_filter("typst_string", typst_string);
    Ok(tera)
}

/// `{{ x | typst_string | safe }}` writes a Typst string literal's contents (for paths, metadata).
fn typst_string(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    match value {
        Value::String(s) => Ok(Value::String(escape_string(s))),
        other => Err(tera::Error::msg(format!(
            "typst_string: expected a string, got {other}"
        ))),
    }
}

/// Tera's Display hides the real cause; this joins the whole chain.
fn unravel(err: tera::Error) -> anyhow::Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(&format!("\n  原因：{cause}"));
        source = cause.source();
    }
    anyhow::anyhow!(message)
}
