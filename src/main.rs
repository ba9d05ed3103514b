//! The `bulletin` command: parse arguments, run, print what failed, set the exit code.

use std::process::ExitCode;

use bulletin::cli::{self, Parsed};
use bulletin::diag::{color_stderr, render_error};

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(Parsed::Info(text)) => {
            println!("{}", text.trim_end());
            return ExitCode::SUCCESS;
        }
        Err(Parsed::Error(problem)) => {
            eprintln!("{}", problem.render(color_stderr()));
            return ExitCode::from(2);
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", render_error(&err, color_stderr()));
            ExitCode::FAILURE
        }
    }
}
