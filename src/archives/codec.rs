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
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};
use tokio::sync::mpsc::{Receiver, Sender};

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

/// Compresses the tar stream arriving on `chunks` into `out` (synced),
/// counting its files and hashing what is written.
pub fn write(chunks: Receiver<Bytes>, out: &Path, level: i32) -> Result<VolumeStats> {
    let io = |e: io::Error| Error::Io {
        path: out.to_owned(),
        source: e,
    };
    let file = File::create(out).map_err(io)?;
    let hashed = Hashing::new(BufWriter::with_capacity(CHUNK, file));
    let mut encoder = zstd::stream::write::Encoder::new(hashed, level).map_err(io)?;
    encoder.include_checksum(true).map_err(io)?;
    let mut tee = Tee {
        inner: ChannelReader::new(chunks),
        copy: encoder,
    };
    let (files, bytes) = count_tar(&mut tee).map_err(|e| tar_error(out, e))?;
    // The end-of-archive blocks and any padding after them belong to the copy too.
    io::copy(&mut tee, &mut io::sink()).map_err(io)?;
    let hashed = tee.copy.finish().map_err(io)?;
    let (writer, stored_bytes, sha256) = hashed.finish();
    let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(VolumeStats {
        bytes,
        files,
        stored_bytes,
        sha256,
    })
}

/// Streams the tar in `path` onto `chunks`, checking the file's hash against
/// `sha256` and zstd's own checksum as it goes: an error means the stream
/// was cut short and its receiver must not trust what it got.
pub fn read(path: &Path, chunks: Sender<Bytes>, sha256: &str) -> Result<VolumeStats> {
    let io = |e: io::Error| Error::Io {
        path: path.to_owned(),
        source: e,
    };
    let file = File::open(path).map_err(io)?;
    let mut hashed = HashingReader::new(file);
    let mut stats = VolumeStats::default();
    {
        let mut decoder = zstd::stream::read::Decoder::new(&mut hashed).map_err(io)?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = decoder.read(&mut buf).map_err(|e| damaged(path, e))?;
            if n == 0 {
                break;
            }
            stats.bytes += n as u64;
            if chunks
                .blocking_send(Bytes::copy_from_slice(&buf[..n]))
                .is_err()
            {
                return Err(Error::Failed("the restore was stopped".into()));
            }
        }
    }
    io::copy(&mut hashed, &mut io::sink()).map_err(io)?;
    let (stored_bytes, hash) = hashed.finish();
    if hash != sha256 {
        return Err(damaged(
            path,
            io::Error::other(format!("SHA-256 is {hash}, the manifest says {sha256}")),
        ));
    }
    stats.stored_bytes = stored_bytes;
    stats.sha256 = hash;
    Ok(stats)
}

/// Reads the whole file: its hash, and its tar's files and bytes.
pub fn verify(path: &Path) -> Result<VolumeStats> {
    let file = File::open(path).map_err(|e| Error::Io {
        path: path.to_owned(),
        source: e,
    })?;
    let mut hashed = HashingReader::new(file);
    let (files, bytes) = {
        let mut decoder =
            zstd::stream::read::Decoder::new(&mut hashed).map_err(|e| damaged(path, e))?;
        let counted = count_tar(&mut decoder).map_err(|e| damaged(path, e))?;
        io::copy(&mut decoder, &mut io::sink()).map_err(|e| damaged(path, e))?;
        counted
    };
    io::copy(&mut hashed, &mut io::sink()).map_err(|e| damaged(path, e))?;
    let (stored_bytes, sha256) = hashed.finish();
    Ok(VolumeStats {
        bytes,
        files,
        stored_bytes,
        sha256,
    })
}

/// Walks a tar stream's headers (reading over the data): regular files and their bytes.
fn count_tar(reader: impl Read) -> io::Result<(u64, u64)> {
    let mut archive = tar::Archive::new(reader);
    let (mut files, mut bytes) = (0, 0);
    for entry in archive.entries()? {
        let entry = entry?;
        if entry.header().entry_type().is_file() {
            files += 1;
            bytes += entry.size();
        }
    }
    Ok((files, bytes))
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

/// Reads the chunks a channel delivers, in order, until its sender is gone.
struct ChannelReader {
    rx: Receiver<Bytes>,
    current: Bytes,
}

impl ChannelReader {
    fn new(rx: Receiver<Bytes>) -> ChannelReader {
        ChannelReader {
            rx,
            current: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// A reader that writes a copy of everything read into `copy`.
struct Tee<R, W> {
    inner: R,
    copy: W,
}

impl<R: Read, W: Write> Read for Tee<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    fn finish(self) -> (W, u64, String) {
        (self.inner, self.count, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes and counts what it reads.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    fn finish(self) -> (u64, String) {
        (self.count, hex(&self.hasher.finalize()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
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

    fn feed(tar: Vec<u8>) -> Receiver<Bytes> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        std::thread::spawn(move || {
            for chunk in tar.chunks(1000) {
                tx.blocking_send(Bytes::copy_from_slice(chunk)).unwrap();
            }
        });
        rx
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
    fn a_stream_that_is_not_a_tar_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.tar.zst");
        let err = write(feed(vec![1u8; 700]), &path, 3).unwrap_err();
        assert!(err.to_string().contains("not a whole tar"), "{err}");
    }
}
