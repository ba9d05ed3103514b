//! The `bulletin` command: parse arguments, run, print the error with its causes, set the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bulletin::cli::Cli::parse();
    match bulletin::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The outer messages say what failed, the input's problems (located, coloured on a
            // terminal) say why.
            let color = bulletin::diag::color_stderr();
            for (i, cause) in err.chain().enumerate() {
                match cause.downcast_ref::<bulletin::diag::Problems>() {
                    Some(problems) => eprintln!("{}", problems.render(color)),
                    None if i == 0 => eprintln!("{cause}"),
                    None => eprintln!("  原因：{cause}"),
                }
            }
            ExitCode::FAILURE
        }
    }
}
