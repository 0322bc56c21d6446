//! [`Writer`]: the text format 0.0.4, a family header and a sample at a time, into any sink
//! through a small buffer: the exposition streams into its gzip, and its plain text never
//! exists whole.

use std::io::Write;
use std::time::SystemTime;

use super::descriptors::Descriptor;

pub(super) fn unix(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// What the writer gathers before it hands it to the sink: big enough that the sink (the
/// gzip encoder) works on whole blocks, small beside the exposition.
const BUFFER: usize = 64 * 1024;

pub(super) struct Writer<'a> {
    buffer: Vec<u8>,
    sink: &'a mut dyn Write,
    /// Series written so far.
    pub(super) series: usize,
    /// The sink's first error: later writes are dropped, and [`Writer::finish`] returns it.
    error: Option<std::io::Error>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(sink: &'a mut dyn Write) -> Self {
        Writer {
            buffer: Vec::with_capacity(BUFFER + 4096),
            sink,
            series: 0,
            error: None,
        }
    }

    pub(super) fn family<const N: usize>(&mut self, descriptor: &Descriptor<N>) {
        self.push(b"# HELP ");
        self.push(descriptor.name.as_bytes());
        self.push(b" ");
        self.push(escape_help(descriptor.help).as_bytes());
        self.push(b"\n# TYPE ");
        self.push(descriptor.name.as_bytes());
        self.push(b" ");
        self.push(descriptor.kind.as_str().as_bytes());
        self.end_line();
    }

    /// One series of `family`: its label values by position, in the order of its labels.
    pub(super) fn sample<const N: usize>(
        &mut self,
        family: &Descriptor<N>,
        values: [&str; N],
        value: impl std::fmt::Display,
    ) {
        self.series += 1;
        self.push(family.name.as_bytes());
        self.push(b"{");
        for (i, (label, value)) in family.labels.iter().zip(values).enumerate() {
            if i > 0 {
                self.push(b",");
            }
            self.push(label.as_bytes());
            self.push(b"=\"");
            escape_label_value(&mut self.buffer, value);
            self.push(b"\"");
        }
        self.push(b"} ");
        let _ = write!(self.buffer, "{value}");
        self.end_line();
    }

    /// Text written elsewhere in the format (the `prometheus` registry's), as it is.
    pub(super) fn raw(&mut self, text: &[u8]) {
        self.push(text);
        self.flush_if_full();
    }

    /// Hands what is buffered to the sink; the series written, or the sink's first error.
    pub(super) fn finish(mut self) -> std::io::Result<usize> {
        self.flush();
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.series),
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    fn end_line(&mut self) {
        self.buffer.push(b'\n');
        self.flush_if_full();
    }

    fn flush_if_full(&mut self) {
        if self.buffer.len() >= BUFFER {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.error.is_none() {
            if let Err(error) = self.sink.write_all(&self.buffer) {
                self.error = Some(error);
            }
        }
        self.buffer.clear();
    }
}

/// Label values escape backslash, double quote and line feed (text format 0.0.4); any
/// other character, non-ASCII included, is written as UTF-8.
pub fn escape_label_value(out: &mut Vec<u8>, value: &str) {
    if !value.contains(['\\', '"', '\n']) {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    for byte in value.bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            other => out.push(other),
        }
    }
}

/// HELP text escapes backslash and line feed.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}
