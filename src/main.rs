//! The `bulletin` command: parse arguments, run, print the error with its causes, set the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bulletin::cli::Cli::parse();
    match bulletin::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The input's problems, located, are coloured on a terminal.
            match err.downcast_ref::<bulletin::diag::Problems>() {
                Some(problems) => eprintln!("{}", problems.render(bulletin::diag::color_stderr())),
                None => eprintln!("{err}"),
            }
            for cause in err.chain().skip(1) {
                eprintln!("  原因：{cause}");
            }
            ExitCode::FAILURE
        }
    }
}
