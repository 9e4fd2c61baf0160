//! `peakpath`: the command-line tool. Thin: parse, run, map errors to exit codes.

mod app;
mod cli;

use clap::Parser;

fn main() {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap: help and version exit 0; usage errors exit 2.
            std::process::exit(if e.use_stderr() { 2 } else { 0 });
        }
    };
    std::panic::set_hook(Box::new(|info| {
        eprintln!("peakpath: internal error (a bug, please report it): {info}");
    }));
    let code = match std::panic::catch_unwind(|| app::run(cli)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            // In the command's --lang: the frame and common phrases of every message
            // (scenario problems arrive already rendered; rendering again changes nothing).
            eprintln!(
                "{}",
                peakpath::i18n::localize(e.message(), peakpath::i18n::message_lang())
            );
            e.exit_code()
        }
        Err(_) => 1,
    };
    std::process::exit(code);
}
