//! The `bulletin` command: parse arguments, run, print the error with its causes, set the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bulletin::cli::Cli::parse();
    match bulletin::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            for cause in err.chain().skip(1) {
                eprintln!("  原因：{cause}");
            }
            ExitCode::FAILURE
        }
    }
}
