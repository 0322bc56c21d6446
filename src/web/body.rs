//! Response bodies made of shared bytes, and gzip without compressing per request.
//!
//! A body encoded once per poll is handed to each request as a reference to the same bytes
//! ([`Bytes`]), never copied, so a client costs a reference whatever the body's size. A body
//! kept only gzipped is inflated as it is sent to a client that does not accept gzip.
//!
//! The landing page is the one body with a part that changes per request: its head holds the
//! ages of the zones' polls. Its gzip is spliced: a gzip member is a header, one deflate
//! stream and a CRC-32 and length of the plain text. Deflate blocks need not be compressed,
//! and a block compressed on its own never refers back to bytes before it. So the per-request
//! head goes first as "stored" blocks (copied as they are, a few KB), then the deflate stream
//! of the fleet section taken from its gzip, compressed once per poll, then a trailer whose
//! CRC is combined from the two parts' CRCs without reading the fleet section again.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::Read as _;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;

/// Bodies built per request are handed to hyper in pieces of this size, so that the body
/// (and the permit it holds) ends when its last piece is written, not when it is queued.
const PIECE: usize = 64 * 1024;

/// A response body: shared chunks, sent in order, with an exact length. It may hold a permit
/// of a bounded pool, given back when hyper drops the body, that is once it is sent or the
/// client is gone.
pub struct SharedBody {
    chunks: VecDeque<Bytes>,
    remaining: u64,
    _permit: Option<OwnedSemaphorePermit>,
}

impl SharedBody {
    pub fn new(chunks: impl IntoIterator<Item = Bytes>) -> Self {
        let chunks: VecDeque<Bytes> = chunks.into_iter().filter(|c| !c.is_empty()).collect();
        let remaining = chunks.iter().map(|c| c.len() as u64).sum();
        SharedBody {
            chunks,
            remaining,
            _permit: None,
        }
    }

    /// A body built for one request, which holds `permit` until it is sent.
    pub fn built(bytes: Bytes, permit: OwnedSemaphorePermit) -> Self {
        let pieces = (0..bytes.len())
            .step_by(PIECE)
            .map(|start| bytes.slice(start..bytes.len().min(start + PIECE)));
        SharedBody {
            _permit: Some(permit),
            ..SharedBody::new(pieces)
        }
    }
}

impl http_body::Body for SharedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        Poll::Ready(this.chunks.pop_front().map(|chunk| {
            this.remaining -= chunk.len() as u64;
            Ok(Frame::data(chunk))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// The plain text of a gzip member shared by every request, inflated piece by piece as it is
/// sent: a client that does not accept gzip costs a decoder's window (some 40 KB) and the
/// piece in flight, never a copy of the body.
pub struct Inflated {
    decoder: flate2::bufread::GzDecoder<bytes::buf::Reader<Bytes>>,
    remaining: u64,
}

/// Pieces of [`Inflated`]: small, since each is inflated on an async thread.
const INFLATED_PIECE: usize = 16 * 1024;

impl Inflated {
    /// `plain_len` is the length of the plain text, for `Content-Length`.
    pub fn new(gzip: Bytes, plain_len: u64) -> Self {
        Inflated {
            decoder: flate2::bufread::GzDecoder::new(bytes::Buf::reader(gzip)),
            remaining: plain_len,
        }
    }
}

impl http_body::Body for Inflated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let mut piece = vec![0; INFLATED_PIECE.min(this.remaining as usize)];
        let mut filled = 0;
        while filled < piece.len() {
            match this.decoder.read(&mut piece[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Poll::Ready(Some(Err(error))),
            }
        }
        if filled < piece.len() {
            // Shorter than it said: hyper ends the connection rather than send a short body.
            let short = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "short gzip body");
            return Poll::Ready(Some(Err(short)));
        }
        this.remaining -= filled as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(piece)))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// A gzip header with no name, comment, extra field or time; any decoder reads it.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
const GZIP_TRAILER: usize = 8;
/// The most a stored deflate block holds.
const STORED_MAX: usize = 0xffff;

/// The chunks of one gzip member whose plain text is `head` followed by the plain text of
/// `tail_gzip`, itself one gzip member (as `flate2` writes it, or [`gzip`]). `None` when
/// `tail_gzip` is not a single member with the plain 10-byte header.
pub fn gzip_with_head(head: &[u8], tail_gzip: &Bytes) -> Option<[Bytes; 4]> {
    let n = tail_gzip.len();
    // ID1 ID2, deflate, no flag (so no optional field before the deflate stream).
    if n < GZIP_HEADER.len() + GZIP_TRAILER || tail_gzip[..4] != [0x1f, 0x8b, 8, 0] {
        return None;
    }
    let trailer = &tail_gzip[n - GZIP_TRAILER..];
    let tail_crc = u32::from_le_bytes(trailer[..4].try_into().expect("4 bytes"));
    let tail_len = u32::from_le_bytes(trailer[4..].try_into().expect("4 bytes"));

    let mut stored = Vec::with_capacity(head.len() + 5 * (head.len() / STORED_MAX + 1));
    for block in head.chunks(STORED_MAX) {
        // BFINAL 0, BTYPE 00 (stored), then to the byte boundary; LEN and its complement.
        stored.push(0);
        stored.extend_from_slice(&(block.len() as u16).to_le_bytes());
        stored.extend_from_slice(&(!(block.len() as u16)).to_le_bytes());
        stored.extend_from_slice(block);
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    crc.combine(&crc32fast::Hasher::new_with_initial_len(
        tail_crc,
        u64::from(tail_len),
    ));
    let mut end = [0u8; GZIP_TRAILER];
    end[..4].copy_from_slice(&crc.finalize().to_le_bytes());
    // ISIZE is the length modulo 2^32.
    end[4..].copy_from_slice(&(tail_len.wrapping_add(head.len() as u32)).to_le_bytes());
    Some([
        Bytes::from_static(&GZIP_HEADER),
        Bytes::from(stored),
        tail_gzip.slice(GZIP_HEADER.len()..n - GZIP_TRAILER),
        Bytes::copy_from_slice(&end),
    ])
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::compress::gzip;

    fn gunzip(chunks: &[Bytes]) -> Vec<u8> {
        let whole: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&whole[..])
            .read_to_end(&mut plain)
            .unwrap();
        plain
    }

    #[test]
    fn a_head_spliced_before_a_gzipped_tail_decompresses_to_both_in_order() {
        let tail: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("<tr><td>server {i}</td></tr>\n").into_bytes())
            .collect();
        let tail_gzip = Bytes::from(gzip(&tail, 0));
        // Empty, small, and longer than one stored block.
        for head in [Vec::new(), b"<h1>head</h1>".to_vec(), vec![b'h'; 150_000]] {
            let chunks = gzip_with_head(&head, &tail_gzip).unwrap();
            let mut expected = head.clone();
            expected.extend_from_slice(&tail);
            // The decoder checks the CRC and the length of the trailer.
            assert_eq!(gunzip(&chunks), expected);
        }
        assert!(gzip_with_head(b"x", &Bytes::from_static(b"not gzip at all")).is_none());
    }

    /// The next frame of a body that never waits.
    fn next_frame(body: &mut Inflated) -> Option<Result<Frame<Bytes>, std::io::Error>> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match http_body::Body::poll_frame(Pin::new(body), &mut cx) {
            Poll::Ready(frame) => frame,
            Poll::Pending => panic!("an inflated body never waits"),
        }
    }

    #[test]
    fn a_gzipped_body_is_sent_plain_in_small_pieces_with_its_exact_length() {
        let plain: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("{{\"id\":{i}}},").into_bytes())
            .collect();
        let mut body = Inflated::new(Bytes::from(gzip(&plain, 0)), plain.len() as u64);
        assert_eq!(
            http_body::Body::size_hint(&body).exact(),
            Some(plain.len() as u64)
        );
        let mut sent = Vec::new();
        while let Some(frame) = next_frame(&mut body) {
            let piece = frame.unwrap().into_data().unwrap();
            assert!(piece.len() <= INFLATED_PIECE);
            sent.extend_from_slice(&piece);
        }
        assert_eq!(sent, plain);

        // A length that the gzip does not reach ends in an error, not a short body.
        let mut short = Inflated::new(Bytes::from(gzip(b"abc", 0)), 4);
        assert!(next_frame(&mut short).unwrap().is_err());
    }
}
