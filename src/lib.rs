//! `bulletin` builds the bulletin 《长艺党建》: YAML content (content/) is loaded, validated, rendered
//! through Tera templates into a Typst and a Markdown source, and compiled by the embedded Typst
//! compiler (or, with `engine: typst-cli`, the `typst` program of the same version) into the numbered
//! PDF (output/034/第034期.pdf).
//!
//! Pipeline stages, one module each: [`load`] (files → [`yaml`] trees → [`model`]) → [`validate`] →
//! [`render`] → [`compile`] → [`output`], tied together by [`pipeline`] under one [`config`].
//! Every value keeps its [`source`] span; every problem is a [`diag::Problem`]. User text reaches
//! Typst only through [`markup`]. [`files`] is the one way the editor's files are opened.
//! [`cli`] parses the command line and [`cmd`] runs each command. [`new_issue`] starts the next
//! issue from a skeleton. [`archive`] stores an issue as PDF/A-2b with its sources in a [`bagit`]
//! bag, listed by the [`catalog`]; [`clock`] supplies the dates; [`batch`] builds every issue in
//! parallel; [`volume`] binds a year's issues into one PDF; [`watch`] rebuilds on every change.

pub mod archive;
pub mod bagit;
pub mod batch;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod compile;
pub mod config;
pub mod diag;
pub mod files;
pub mod import;
pub mod load;
pub mod markup;
pub mod model;
pub mod new_issue;
pub mod output;
pub mod photos;
pub mod pipeline;
pub mod project;
pub mod recognise;
pub mod render;
pub mod source;
pub mod tidy;
pub mod validate;
pub mod volume;
pub mod watch;
pub mod yaml;
