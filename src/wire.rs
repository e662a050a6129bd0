//! The frames of remote `exec` and `shell`, shared by the server
//! (`GET /api/onboarding/environments/{id}/exec`, upgraded) and the remote
//! client, so the two cannot disagree.
//!
//! After `101 Switching Protocols` (`Upgrade: envctl-exec.v1`), both sides
//! send frames on the raw connection: one byte of kind, four bytes of
//! payload length (big-endian), the payload.
//!
//! | kind | name      | from   | payload                                   |
//! |------|-----------|--------|-------------------------------------------|
//! | 0    | stdin     | client | bytes for the command's stdin             |
//! | 1    | stdout    | server | bytes the command wrote (all of it, with a TTY) |
//! | 2    | stderr    | server | bytes the command wrote to stderr         |
//! | 3    | exit      | server | the exit code, i32 big-endian; the last frame |
//! | 4    | resize    | client | cols, rows: two u16 big-endian            |
//! | 5    | stdin-end | client | none: end-of-file on the command's stdin  |
//! | 6    | error     | server | JSON `{"code": ..., "message": ...}` (the API's error codes); the last frame |
//!
//! A websocket would have done as well; this needs no new dependency on
//! either side (hyper's upgrade on the server, reqwest's on the client) and
//! is a few dozen lines.

use hyper::body::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::engine::TerminalSize;

/// The `Upgrade` header's value.
pub const PROTOCOL: &str = "envctl-exec.v1";

/// The largest payload either side accepts.
pub const MAX_PAYLOAD: usize = 1024 * 1024;

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Stdin(Bytes),
    Stdout(Bytes),
    Stderr(Bytes),
    Exit(i32),
    Resize(TerminalSize),
    StdinEnd,
    Error { code: String, message: String },
}

impl Frame {
    fn encode(&self) -> (u8, Vec<u8>) {
        match self {
            Frame::Stdin(b) => (0, b.to_vec()),
            Frame::Stdout(b) => (1, b.to_vec()),
            Frame::Stderr(b) => (2, b.to_vec()),
            Frame::Exit(code) => (3, code.to_be_bytes().to_vec()),
            Frame::Resize(size) => {
                let mut p = size.cols.to_be_bytes().to_vec();
                p.extend_from_slice(&size.rows.to_be_bytes());
                (4, p)
            }
            Frame::StdinEnd => (5, Vec::new()),
            Frame::Error { code, message } => (
                6,
                serde_json::json!({"code": code, "message": message})
                    .to_string()
                    .into_bytes(),
            ),
        }
    }

    fn decode(kind: u8, payload: Vec<u8>) -> std::io::Result<Frame> {
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        Ok(match kind {
            0 => Frame::Stdin(payload.into()),
            1 => Frame::Stdout(payload.into()),
            2 => Frame::Stderr(payload.into()),
            3 => {
                let b: [u8; 4] = payload
                    .try_into()
                    .map_err(|_| bad("an exit frame holds 4 bytes"))?;
                Frame::Exit(i32::from_be_bytes(b))
            }
            4 => {
                let b: [u8; 4] = payload
                    .try_into()
                    .map_err(|_| bad("a resize frame holds 4 bytes"))?;
                Frame::Resize(TerminalSize {
                    cols: u16::from_be_bytes([b[0], b[1]]),
                    rows: u16::from_be_bytes([b[2], b[3]]),
                })
            }
            5 => Frame::StdinEnd,
            6 => {
                #[derive(serde::Deserialize)]
                struct Detail {
                    code: String,
                    message: String,
                }
                let d: Detail = serde_json::from_slice(&payload)
                    .map_err(|_| bad("an error frame holds {\"code\", \"message\"}"))?;
                Frame::Error {
                    code: d.code,
                    message: d.message,
                }
            }
            _ => return Err(bad("unknown frame kind")),
        })
    }
}

/// Writes one frame and flushes it.
pub async fn write(w: &mut (impl AsyncWrite + Unpin), frame: &Frame) -> std::io::Result<()> {
    let (kind, payload) = frame.encode();
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut buf = Vec::with_capacity(5 + payload.len());
    buf.push(kind);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(&payload);
    w.write_all(&buf).await?;
    w.flush().await
}

/// Reads one frame; `None` at a clean end of the connection.
pub async fn read(r: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Option<Frame>> {
    let mut head = [0u8; 5];
    match r.read_exact(&mut head[..1]).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    r.read_exact(&mut head[1..]).await?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > MAX_PAYLOAD {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {MAX_PAYLOAD}"),
        ));
    }
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload).await?;
    Frame::decode(head[0], payload).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_frame_round_trips() {
        let frames = [
            Frame::Stdin(Bytes::from_static(b"hi\n")),
            Frame::Stdout(Bytes::from_static(b"out")),
            Frame::Stderr(Bytes::new()),
            Frame::Exit(-3),
            Frame::Resize(TerminalSize { cols: 80, rows: 24 }),
            Frame::StdinEnd,
            Frame::Error {
                code: "conflict".into(),
                message: "stopped".into(),
            },
        ];
        let mut buf = Vec::new();
        for f in &frames {
            write(&mut buf, f).await.unwrap();
        }
        let mut r = &buf[..];
        for f in &frames {
            assert_eq!(read(&mut r).await.unwrap().as_ref(), Some(f));
        }
        assert_eq!(read(&mut r).await.unwrap(), None);
        // A cut frame is an error, not a clean end.
        let mut cut = &buf[..3];
        assert!(read(&mut cut).await.is_err());
        let mut unknown = &[9u8, 0, 0, 0, 0][..];
        assert!(read(&mut unknown).await.is_err());
    }
}
