//! gzip as every body of the exporter is compressed, once per poll, and the buffer habit
//! that goes with it. The metrics and the pages both use it.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

/// gzip at level 1: at 10,000 servers it compresses the 23 MB exposition in a seventh of
/// the default level's time for a body 15% larger (scripts/bench.sh, docs/performance.md).
const LEVEL: Compression = Compression::fast();

/// `plain`, gzipped at once.
pub fn gzip(plain: &[u8], capacity: usize) -> Vec<u8> {
    let mut stream = GzipStream::new(capacity);
    stream
        .write_all(plain)
        .expect("writing to memory cannot fail");
    stream.finish().0
}

/// A body gzipped as it is written, so that its plain text is never held: what is written is
/// compressed into a buffer of about `capacity` bytes, and counted.
pub struct GzipStream {
    encoder: GzEncoder<Vec<u8>>,
    plain_len: u64,
}

impl GzipStream {
    pub fn new(capacity: usize) -> Self {
        GzipStream {
            encoder: GzEncoder::new(Vec::with_capacity(capacity), LEVEL),
            plain_len: 0,
        }
    }

    /// The gzip member, its spare capacity given back, and the length of its plain text.
    pub fn finish(self) -> (Vec<u8>, u64) {
        let gzip = self
            .encoder
            .finish()
            .expect("writing to memory cannot fail");
        (fit(gzip), self.plain_len)
    }
}

impl Write for GzipStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.encoder.write(buf)?;
        self.plain_len += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.encoder.flush()
    }
}

/// Gives back the spare capacity of a buffer whose estimate was far off: the published bytes
/// live until the next poll.
pub fn fit(mut buffer: Vec<u8>) -> Vec<u8> {
    if buffer.capacity() > buffer.len() + buffer.len() / 8 {
        buffer.shrink_to_fit();
    }
    buffer
}
