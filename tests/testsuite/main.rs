//! One integration-test binary (each extra binary would link Typst again): a module per feature.

mod archive;
mod build;
mod commonmark;
mod errors;
mod escaping;
mod layout;
mod new_and_check;
mod support;
