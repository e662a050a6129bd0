//! Plain HTTP/1.1 to the engine, blocking, for the one stream where
//! bollard's async path costs more than the work it carries: a volume's tar
//! coming out of a container (`GET /containers/{id}/archive`). Read on the
//! archive's own thread, the bytes go from the socket straight into the
//! compressor: no runtime hops, no per-chunk wake-ups. Speaks to wherever
//! `DOCKER_HOST` points (a unix socket, or plain TCP), like the disk-usage
//! request.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::error::{Error, Result};

/// A response body being read: chunked, sized or up to the end.
pub struct Body {
    reader: BufReader<Box<dyn Read + Send>>,
    framing: Framing,
}

enum Framing {
    /// Chunked: bytes left in the current chunk; `None` before the first
    /// size line; done after the last (empty) chunk.
    Chunked {
        left: Option<u64>,
        done: bool,
    },
    Sized(u64),
    UntilClose,
}

/// `GET path` (with its query); the body when the engine answers 200, else
/// the engine's message (404 as [`Error::NotFound`] of `what`).
pub fn get(path: &str, what: &'static str, name: &str, context: &str) -> Result<Body> {
    let host = super::docker_host();
    let unreachable = |e: io::Error| Error::docker_down(&host, e.to_string());
    let stream: Box<dyn ReadWrite> = if let Some(socket) = host.strip_prefix("unix://") {
        Box::new(std::os::unix::net::UnixStream::connect(socket).map_err(unreachable)?)
    } else if let Some(address) = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("http://"))
    {
        Box::new(std::net::TcpStream::connect(address).map_err(unreachable)?)
    } else {
        return Err(Error::Failed(format!(
            "{context}: DOCKER_HOST={host} is not a unix socket or plain tcp:// address"
        )));
    };
    let mut stream = stream;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
    )
    .map_err(unreachable)?;
    let reader: Box<dyn Read + Send> = Box::new(ReadHalf(stream));
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let failed = |e: io::Error| docker_failure(context, None, e.to_string());
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(failed)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| failed(io::Error::other(format!("bad answer {status_line:?}"))))?;
    let (mut chunked, mut length) = (false, None);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(failed)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            if key.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if key.eq_ignore_ascii_case("content-length") {
                length = value.parse().ok();
            }
        }
    }
    let framing = match (chunked, length) {
        (true, _) => Framing::Chunked {
            left: None,
            done: false,
        },
        (false, Some(n)) => Framing::Sized(n),
        (false, None) => Framing::UntilClose,
    };
    let body = Body { reader, framing };
    if status == 200 {
        return Ok(body);
    }
    let mut text = String::new();
    let _ = body.take(64 * 1024).read_to_string(&mut text);
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or(text);
    if status == 404 && message.contains("No such container") {
        return Err(Error::NotFound {
            what,
            name: name.to_owned(),
        });
    }
    Err(docker_failure(context, Some(status), message))
}

fn docker_failure(context: &str, status: Option<u16>, message: String) -> Error {
    Error::Docker {
        context: context.to_owned(),
        status,
        source: Box::new(io::Error::other(message.trim().to_owned())),
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.framing {
            Framing::UntilClose => self.reader.read(buf),
            Framing::Sized(left) => {
                if *left == 0 {
                    return Ok(0);
                }
                let want = buf.len().min(*left as usize);
                let n = self.reader.read(&mut buf[..want])?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                *left -= n as u64;
                Ok(n)
            }
            Framing::Chunked { left, done } => loop {
                if *done {
                    return Ok(0);
                }
                match left {
                    Some(0) => {
                        // The CRLF after a chunk's data, then the next size.
                        let mut crlf = [0u8; 2];
                        self.reader.read_exact(&mut crlf)?;
                        if &crlf != b"\r\n" {
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "a chunk without its CRLF",
                            ));
                        }
                        *left = None;
                    }
                    Some(_) if buf.is_empty() => return Ok(0),
                    Some(n) => {
                        let want = buf.len().min(*n as usize);
                        let got = self.reader.read(&mut buf[..want])?;
                        if got == 0 {
                            // Cut off mid-chunk: the engine stopped half way.
                            return Err(io::ErrorKind::UnexpectedEof.into());
                        }
                        *n -= got as u64;
                        return Ok(got);
                    }
                    None => {
                        let mut line = String::new();
                        if self.reader.read_line(&mut line)? == 0 {
                            return Err(io::ErrorKind::UnexpectedEof.into());
                        }
                        let size = line.trim().split(';').next().unwrap_or_default();
                        let size = u64::from_str_radix(size, 16).map_err(|_| {
                            io::Error::new(io::ErrorKind::InvalidData, "bad chunk size")
                        })?;
                        if size == 0 {
                            *done = true;
                        } else {
                            *left = Some(size);
                        }
                    }
                }
            },
        }
    }
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

struct ReadHalf(Box<dyn ReadWrite>);

impl Read for ReadHalf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(raw: &'static [u8], framing: Framing) -> Body {
        let reader: Box<dyn Read + Send> = Box::new(raw);
        Body {
            reader: BufReader::new(reader),
            framing,
        }
    }

    #[test]
    fn chunked_bodies_are_decoded_and_a_cut_one_is_an_error() {
        let chunked = || Framing::Chunked {
            left: None,
            done: false,
        };
        let mut text = String::new();
        body(b"5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n", chunked())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello world");
        let mut cut = Vec::new();
        let err = body(b"5\r\nhello\r\n6\r\n wo", chunked())
            .read_to_end(&mut cut)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let err = body(b"5\r\nhello\r\n", chunked())
            .read_to_end(&mut cut)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "no last chunk");
    }

    #[test]
    fn sized_bodies_stop_at_their_length() {
        let mut text = String::new();
        body(b"abcdef", Framing::Sized(4))
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "abcd");
    }
}
