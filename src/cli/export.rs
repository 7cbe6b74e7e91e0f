//! `export SLUG`: the same bytes as the console's export.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{letter, open};
use crate::config::Settings;
use crate::export::{self, ExportFilter, ExportFormat};
use crate::signatures::{SignatureKind, SignatureState};

#[derive(Args)]
pub(super) struct ExportArgs {
    slug: String,
    #[arg(long, value_enum, default_value = "csv")]
    format: ExportFormat,
    /// CSV for Excel: a UTF-8 byte-order mark first and CRLF line ends, so that Excel on
    /// Windows shows Hebrew and Arabic names as written (the same as `--format excel`).
    #[arg(long, conflicts_with = "format")]
    excel: bool,
    /// Only these states; repeat or separate with commas.
    #[arg(long = "state", value_enum, value_delimiter = ',')]
    states: Vec<SignatureState>,
    /// Only these kinds.
    #[arg(long = "kind", value_enum, value_delimiter = ',')]
    kinds: Vec<SignatureKind>,
    /// Only the signatures that count: confirmed individuals and approved organizations
    /// (not organizations still awaiting approval).
    #[arg(long)]
    counted: bool,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(super) fn run(settings: &Settings, arguments: ExportArgs) -> anyhow::Result<()> {
    let ExportArgs {
        slug,
        format,
        excel,
        states,
        kinds,
        counted,
        output,
    } = arguments;
    let format = if excel { ExportFormat::Excel } else { format };
    let filter = ExportFilter {
        states,
        kinds,
        counted,
    };
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, &slug)?;
    let actor = crate::staff::Actor::command_line();
    let written = match output {
        Some(path) => {
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &actor, &mut out)?;
            out.flush()?;
            written
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &actor, &mut out)?;
            out.flush()?;
            written
        }
    };
    eprintln!("{written} signature(s) exported");
    Ok(())
}
