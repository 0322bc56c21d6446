//! [`Writer`]: the text format 0.0.4, a family header and a sample at a time.

use std::fmt::Write as _;
use std::time::SystemTime;

use super::descriptors::Descriptor;

pub(super) fn unix(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

pub(super) struct Writer {
    pub(super) text: String,
    pub(super) series: usize,
}

impl Writer {
    pub(super) fn family<const N: usize>(&mut self, descriptor: &Descriptor<N>) {
        let _ = writeln!(
            self.text,
            "# HELP {} {}",
            descriptor.name,
            escape_help(descriptor.help)
        );
        let _ = writeln!(
            self.text,
            "# TYPE {} {}",
            descriptor.name,
            descriptor.kind.as_str()
        );
    }

    /// One series of `family`: its label values by position, in the order of its labels.
    pub(super) fn sample<const N: usize>(
        &mut self,
        family: &Descriptor<N>,
        values: [&str; N],
        value: impl std::fmt::Display,
    ) {
        self.series += 1;
        self.text.push_str(family.name);
        self.text.push('{');
        for (i, (label, value)) in family.labels.iter().zip(values).enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(label);
            self.text.push_str("=\"");
            escape_label_value(&mut self.text, value);
            self.text.push('"');
        }
        let _ = writeln!(self.text, "}} {value}");
    }
}

/// Label values escape backslash, double quote and line feed (text format 0.0.4); any
/// other character, non-ASCII included, is written as UTF-8.
pub fn escape_label_value(out: &mut String, value: &str) {
    if !value.contains(['\\', '"', '\n']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// HELP text escapes backslash and line feed.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}
