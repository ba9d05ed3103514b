//! One integration-test binary (each extra binary would link Typst again): a module per feature.

mod archive;
mod bags;
mod build;
mod commonmark;
mod docx;
mod emphasis;
mod engines;
mod error_fixtures;
mod errors;
mod escaping;
mod fonts;
mod hardening;
mod import;
mod layout;
mod layout_pages;
mod layout_typeset;
mod new_and_check;
mod photos;
mod settings;
mod support;
mod typed;
mod volume;
mod watch;
