fn main() -> std::process::ExitCode {
    undersigned::cli::run()
}
