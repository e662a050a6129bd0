//! The bytes of one volume archive: a tar stream in, a zstd file out, and
//! back. Blocking code, run on a blocking thread while the async side moves
//! chunks to and from the engine through a small bounded channel, so memory
//! stays flat whatever the volume's size.
//!
//! zstd rather than gzip: at its default level it compresses several times
//! faster than gzip -6 for a similar ratio, and decompresses faster still,
//! which matters on the path of a cleanup; its frame checksum catches a
//! damaged file while it is read, before the restore completes.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use tokio::sync::mpsc::Sender;

use crate::engine::Bytes;
use crate::error::{Error, Result};

/// What passed through: file data, file count, the compressed size and its hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeStats {
    pub bytes: u64,
    pub files: u64,
    pub stored_bytes: u64,
    pub sha256: String,
}

const CHUNK: usize = 256 * 1024;
/// The error of a restore whose receiver went away (the engine refused it).
pub const STOPPED: &str = "the restore was stopped";
/// Compressed chunks in flight between the stages.
const IN_FLIGHT: usize = 8;

/// Compresses the tar stream `tar` into `out` (synced), counting its files.
/// Two stages run at once: this thread reads, parses and compresses, a
/// second hashes and writes (SHA-256 costs as much as zstd's level 3 on a
/// CPU without SHA extensions).
pub fn write(tar: impl Read, out: &Path, level: i32) -> Result<VolumeStats> {
    let io = |e: io::Error| Error::Io {
        path: out.to_owned(),
        source: e,
    };
    let file = File::create(out).map_err(io)?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let sink = scope.spawn(move || hash_into(rx, file));
        let produced = (|| -> io::Result<Result<(u64, u64)>> {
            let mut encoder = zstd::stream::write::Encoder::new(Handoff::new(tx), level)?;
            encoder.include_checksum(true)?;
            let mut counter = TarCounter::default();
            let mut tar = tar;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = tar.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                if let Err(e) = counter.feed(&buf[..n]) {
                    return Ok(Err(tar_error(out, e)));
                }
                encoder.write_all(&buf[..n])?;
            }
            let counted = match counter.finish() {
                Ok(counted) => counted,
                Err(e) => return Ok(Err(tar_error(out, e))),
            };
            encoder.finish()?.flush()?;
            Ok(Ok(counted))
        })();
        let sunk = sink
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the archive writer panicked")))
            .map_err(io)?;
        let (files, bytes) = produced.map_err(io)??;
        Ok(VolumeStats {
            bytes,
            files,
            stored_bytes: sunk.0,
            sha256: sunk.1,
        })
    })
}

/// The writing stage: hashes and writes each compressed chunk, then syncs.
fn hash_into(
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    mut file: File,
) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut count = 0u64;
    for chunk in chunks {
        hasher.update(&chunk);
        file.write_all(&chunk)?;
        count += chunk.len() as u64;
    }
    file.sync_all()?;
    Ok((count, hasher.finish()))
}

/// Reads `path` on a thread of its own, hashing it, and hands its chunks to
/// `use_them` (which decompresses) on this one; then checks the hash.
fn read_hashed<T>(
    path: &Path,
    use_them: impl FnOnce(&mut dyn Read) -> Result<T>,
) -> Result<(T, u64, String)> {
    let io = |e: io::Error| Error::Io {
        path: path.to_owned(),
        source: e,
    };
    let mut file = File::open(path).map_err(io)?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        let source = scope.spawn(move || -> io::Result<(u64, String)> {
            let mut hasher = Sha256::new();
            let mut count = 0u64;
            loop {
                let mut chunk = vec![0u8; CHUNK];
                let n = file.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                chunk.truncate(n);
                hasher.update(&chunk);
                count += n as u64;
                if tx.send(chunk).is_err() {
                    break; // the consumer stopped: its error says why
                }
            }
            Ok((count, hasher.finish()))
        });
        let mut reader = VecReader {
            rx,
            current: Vec::new(),
            at: 0,
        };
        let used = use_them(&mut reader);
        // Anything a successful consumer left unread still counts for the
        // hash; after a failure the reader just goes (the file is not read on).
        if used.is_ok() {
            let _ = io::copy(&mut reader, &mut io::sink());
        }
        drop(reader);
        let (count, hash) = source
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the archive reader panicked")))
            .map_err(io)?;
        Ok((used?, count, hash))
    })
}

/// Streams the tar in `path` onto `chunks`, checking zstd's own checksum as
/// it goes and the file's hash against `sha256` at the end: an error means
/// the stream was cut short and its receiver must not trust what it got.
pub fn read(path: &Path, chunks: Sender<Bytes>, sha256: &str) -> Result<VolumeStats> {
    let (bytes, stored_bytes, hash) = read_hashed(path, |compressed| {
        let mut decoder =
            zstd::stream::read::Decoder::new(compressed).map_err(|e| damaged(path, e))?;
        let mut bytes = 0u64;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = decoder.read(&mut buf).map_err(|e| damaged(path, e))?;
            if n == 0 {
                return Ok(bytes);
            }
            bytes += n as u64;
            if chunks
                .blocking_send(Bytes::copy_from_slice(&buf[..n]))
                .is_err()
            {
                return Err(Error::Failed(STOPPED.into()));
            }
        }
    })?;
    if hash != sha256 {
        return Err(damaged(
            path,
            io::Error::other(format!("SHA-256 is {hash}, the manifest says {sha256}")),
        ));
    }
    Ok(VolumeStats {
        bytes,
        files: 0,
        stored_bytes,
        sha256: hash,
    })
}

/// Reads the whole file: its hash, and its tar's files and bytes.
pub fn verify(path: &Path) -> Result<VolumeStats> {
    let ((files, bytes), stored_bytes, sha256) = read_hashed(path, |compressed| {
        let mut decoder =
            zstd::stream::read::Decoder::new(compressed).map_err(|e| damaged(path, e))?;
        let mut counter = TarCounter::default();
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = decoder.read(&mut buf).map_err(|e| damaged(path, e))?;
            if n == 0 {
                break;
            }
            counter.feed(&buf[..n]).map_err(|e| damaged(path, e))?;
        }
        counter.finish().map_err(|e| damaged(path, e))
    })?;
    Ok(VolumeStats {
        bytes,
        files,
        stored_bytes,
        sha256,
    })
}

/// Counts a tar stream's regular files and their bytes as it passes, in
/// pieces of any size, reading only the headers: each header's checksum is
/// checked, PAX sizes (files over 8 GiB) are honoured, and a stream that
/// ends before the end-of-archive blocks is an error, so a copy the engine
/// cut short is never taken for a whole one.
#[derive(Default)]
struct TarCounter {
    files: u64,
    bytes: u64,
    /// Bytes of the current header gathered so far.
    header: Vec<u8>,
    /// Bytes of entry data (with padding) still to pass.
    skip: u64,
    /// The data of a PAX header being gathered, and how much more it has.
    pax: Option<(Vec<u8>, u64)>,
    /// A size a PAX header set for the next entry.
    next_size: Option<u64>,
    /// Zero blocks seen in a row (two end the archive).
    zeros: u8,
}

impl TarCounter {
    fn feed(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            if self.zeros >= 2 {
                return Ok(()); // padding after the end
            }
            if self.skip > 0 {
                let n = data.len().min(self.skip as usize);
                if let Some((pax, want)) = &mut self.pax {
                    let take = n.min(*want as usize);
                    pax.extend_from_slice(&data[..take]);
                    *want -= take as u64;
                }
                self.skip -= n as u64;
                data = &data[n..];
                if self.skip == 0
                    && let Some((pax, _)) = self.pax.take()
                {
                    self.next_size = pax_size(&pax);
                }
                continue;
            }
            let n = data.len().min(512 - self.header.len());
            self.header.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.header.len() == 512 {
                let header = std::mem::take(&mut self.header);
                self.header_block(&header)?;
            }
        }
        Ok(())
    }

    fn header_block(&mut self, h: &[u8]) -> io::Result<()> {
        if h.iter().all(|&b| b == 0) {
            self.zeros += 1;
            return Ok(());
        }
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        if self.zeros > 0 {
            return Err(bad("a header after an end-of-archive block"));
        }
        let stored = octal(&h[148..156]).ok_or_else(|| bad("a header without a checksum"))?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(b)
                }
            })
            .sum();
        if sum != stored {
            return Err(bad("a header whose checksum is wrong"));
        }
        let size = match self.next_size.take() {
            Some(size) => size,
            None if h[124] & 0x80 != 0 => h[125..136]
                .iter()
                .fold(0u64, |n, &b| (n << 8) | u64::from(b)),
            None => octal(&h[124..136]).ok_or_else(|| bad("a header with a bad size"))?,
        };
        match h[156] {
            b'0' | 0 | b'7' => {
                self.files += 1;
                self.bytes += size;
            }
            b'x' => self.pax = Some((Vec::new(), size.min(1 << 20))),
            _ => {}
        }
        self.skip = size.div_ceil(512) * 512;
        Ok(())
    }

    fn finish(self) -> io::Result<(u64, u64)> {
        if self.zeros == 0 || self.skip > 0 || !self.header.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok((self.files, self.bytes))
    }
}

/// An octal header field (NUL- or space-terminated).
fn octal(field: &[u8]) -> Option<u64> {
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

/// The `size` record of PAX extended header data (`"<len> size=<n>\n"` lines).
fn pax_size(data: &[u8]) -> Option<u64> {
    String::from_utf8_lossy(data).lines().find_map(|line| {
        let (_, record) = line.split_once(' ')?;
        record.strip_prefix("size=")?.parse().ok()
    })
}

fn damaged(path: &Path, e: io::Error) -> Error {
    Error::Failed(format!(
        "archive file {} is damaged: {e}; `envctl archive verify` checks every file",
        path.display()
    ))
}

fn tar_error(path: &Path, e: io::Error) -> Error {
    Error::Failed(format!(
        "the engine's copy for {} was not a whole tar stream: {e}",
        path.display()
    ))
}

/// A writer that hands what it is given to another thread, a chunk at a time.
struct Handoff {
    tx: std::sync::mpsc::SyncSender<Vec<u8>>,
    buf: Vec<u8>,
}

impl Handoff {
    fn new(tx: std::sync::mpsc::SyncSender<Vec<u8>>) -> Handoff {
        Handoff {
            tx,
            buf: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .send(full)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the archive writer stopped"))
    }
}

impl Write for Handoff {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// Reads the chunks another thread sends, in order, until it stops.
struct VecReader {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl Read for VecReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.rx.recv() {
                Ok(chunk) => (self.current, self.at) = (chunk, 0),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// SHA-256 by ring (assembly: on CPUs without SHA extensions it is
/// markedly faster than a portable implementation).
struct Sha256(ring::digest::Context);

impl Sha256 {
    fn new() -> Sha256 {
        Sha256(ring::digest::Context::new(&ring::digest::SHA256))
    }

    fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(self) -> String {
        hex(self.0.finish().as_ref())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_tar() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut add = |name: &str, data: &[u8]| {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, data).unwrap();
        };
        add("./a", b"hello");
        add("./sub/b", &vec![7u8; 300_000]);
        builder.into_inner().unwrap()
    }

    fn feed(tar: Vec<u8>) -> std::io::Cursor<Vec<u8>> {
        std::io::Cursor::new(tar)
    }

    #[test]
    fn a_volume_round_trips_byte_for_byte_and_verify_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.tar.zst");
        let tar = sample_tar();
        let written = write(feed(tar.clone()), &path, 3).unwrap();
        assert_eq!((written.files, written.bytes), (2, 300_005));
        assert_eq!(
            written.stored_bytes,
            std::fs::metadata(&path).unwrap().len()
        );
        assert_eq!(verify(&path).unwrap(), written);

        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let sha = written.sha256.clone();
        let reader = std::thread::spawn(move || read(&path, tx, &sha));
        let mut back = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            back.extend_from_slice(&chunk);
        }
        reader.join().unwrap().unwrap();
        assert_eq!(back, tar);
    }

    #[test]
    fn a_damaged_file_is_caught_by_verify_and_by_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.tar.zst");
        let written = write(feed(sample_tar()), &path, 3).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let verified = verify(&path);
        assert!(
            verified.is_err() || verified.unwrap().sha256 != written.sha256,
            "verify must notice"
        );
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let reader = std::thread::spawn(move || read(&path, tx, &written.sha256));
        while rx.blocking_recv().is_some() {}
        assert!(reader.join().unwrap().is_err());
    }

    #[test]
    fn the_counter_reads_headers_in_any_pieces_and_refuses_a_cut_stream() {
        let tar = sample_tar();
        for piece in [1, 511, 512, 513, 4096, tar.len()] {
            let mut c = TarCounter::default();
            for chunk in tar.chunks(piece) {
                c.feed(chunk).unwrap();
            }
            assert_eq!(c.finish().unwrap(), (2, 300_005), "pieces of {piece}");
        }
        let mut cut = TarCounter::default();
        cut.feed(&tar[..tar.len() - 1024]).unwrap();
        assert!(cut.finish().is_err(), "no end-of-archive blocks");
        // A PAX size record overrides the header's.
        let mut c = TarCounter::default();
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_ustar();
        header.set_size(3);
        header.set_cksum();
        builder
            .append_pax_extensions([("size", b"3".as_slice())])
            .unwrap();
        builder
            .append_data(&mut header, "f", b"abc".as_slice())
            .unwrap();
        c.feed(&builder.into_inner().unwrap()).unwrap();
        assert_eq!(c.finish().unwrap(), (1, 3));
    }

    #[test]
    fn a_stream_that_is_not_a_tar_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.tar.zst");
        let err = write(feed(vec![1u8; 700]), &path, 3).unwrap_err();
        assert!(err.to_string().contains("not a whole tar"), "{err}");
    }
}
