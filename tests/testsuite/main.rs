//! One integration-test binary (each extra binary would link Typst again): a module per feature.

mod archive;
mod bags;
mod build;
mod commonmark;
mod emphasis;
mod engines;
mod error_fixtures;
mod errors;
mod escaping;
mod fonts;
mod layout;
mod layout_pages;
mod new_and_check;
mod photos;
mod settings;
mod support;
mod volume;
mod watch;
