//! Splitting a syslog stream into messages, as RFC 6587 frames them and
//! as the reference tells the two framings apart: by the stream's first
//! byte, `<` for messages each ended by a newline, a digit for messages
//! each preceded by their length and a space (octet counting). Anything
//! else ends the stream. A UDP datagram is a stream of its own.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// What ends a stream, or passes over one of its frames.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("invalid or unsupported framing: the first byte is {0:?}, not '<' or a digit")]
    Framing(char),
    #[error("a frame's length is not a number followed by a space")]
    Length,
    #[error("a message of {0} bytes is longer than max_message_length")]
    TooLong(usize),
    #[error("idle for longer than idle_timeout")]
    Idle,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl FrameError {
    /// Whether the stream goes on after this error (only a frame that was
    /// too long is passed over; the rest end the stream).
    pub fn passed_over(&self) -> bool {
        matches!(self, FrameError::TooLong(_))
    }
}

/// The frames of one stream, in turn: messages, frames passed over (too
/// long), and the error that ended the stream, after which there are no
/// more. `idle` bounds each wait for data.
pub struct FrameReader<R> {
    frames: Frames<R>,
    /// Octet counting, once the first byte has told.
    octet_counting: Option<bool>,
    ended: bool,
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    pub fn new(reader: R, max: usize, idle: Option<Duration>) -> FrameReader<R> {
        FrameReader { frames: Frames { reader, max, idle }, octet_counting: None, ended: false }
    }

    pub async fn next(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        if self.ended {
            return None;
        }
        let next = match self.octet_counting {
            None => match self.framing().await {
                Ok(Some(counting)) => {
                    self.octet_counting = Some(counting);
                    return Box::pin(self.next()).await;
                }
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            },
            Some(true) => self.frames.counted().await,
            Some(false) => self.frames.until_newline().await,
        };
        match next {
            Ok(Some(frame)) => Some(Ok(frame)),
            Ok(None) => {
                self.ended = true;
                None
            }
            Err(e) => {
                self.ended = !e.passed_over();
                Some(Err(e))
            }
        }
    }

    /// Whether the stream counts octets, from its first byte; `None` for
    /// an empty stream.
    async fn framing(&mut self) -> Result<Option<bool>, FrameError> {
        match self.frames.fill().await?.first() {
            None => Ok(None),
            Some(b'<') => Ok(Some(false)),
            Some(b) if b.is_ascii_digit() => Ok(Some(true)),
            Some(&b) => Err(FrameError::Framing(b as char)),
        }
    }
}

struct Frames<R> {
    reader: R,
    max: usize,
    idle: Option<Duration>,
}

impl<R: AsyncBufRead + Unpin> Frames<R> {
    async fn fill(&mut self) -> Result<&[u8], FrameError> {
        match self.idle {
            Some(idle) => match tokio::time::timeout(idle, self.reader.fill_buf()).await {
                Ok(read) => Ok(read?),
                Err(_) => Err(FrameError::Idle),
            },
            None => Ok(self.reader.fill_buf().await?),
        }
    }

    /// The next message ended by a newline (or by the end of the stream).
    async fn until_newline(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let (max, mut frame, mut length) = (self.max, Vec::new(), 0usize);
        loop {
            let buf = self.fill().await?;
            if buf.is_empty() {
                return match length {
                    0 => Ok(None),
                    n if n > max => Err(FrameError::TooLong(n)),
                    _ => Ok(Some(frame)),
                };
            }
            let (take, ended) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if length + take <= max {
                frame.extend_from_slice(&buf[..take]);
            }
            length += take;
            self.reader.consume(take + usize::from(ended));
            if ended {
                return if length > max {
                    Err(FrameError::TooLong(length))
                } else {
                    Ok(Some(frame))
                };
            }
        }
    }

    /// The next `LENGTH SP MESSAGE` frame.
    async fn counted(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let max = self.max;
        let mut digits = 0usize;
        let mut length = 0usize;
        loop {
            let buf = self.fill().await?;
            let Some(&b) = buf.first() else {
                return if digits == 0 { Ok(None) } else { Err(FrameError::Length) };
            };
            self.reader.consume(1);
            match b {
                b' ' if digits > 0 => break,
                b'0'..=b'9' if digits < 10 && !(digits == 0 && b == b'0') => {
                    digits += 1;
                    length = length * 10 + usize::from(b - b'0');
                }
                _ => return Err(FrameError::Length),
            }
        }
        let mut frame = Vec::with_capacity(length.min(max));
        let mut left = length;
        while left > 0 {
            let buf = self.fill().await?;
            if buf.is_empty() {
                return Err(FrameError::Length);
            }
            let take = left.min(buf.len());
            if length <= max {
                frame.extend_from_slice(&buf[..take]);
            }
            self.reader.consume(take);
            left -= take;
        }
        if length > max {
            return Err(FrameError::TooLong(length));
        }
        Ok(Some(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8], max: usize) -> (Vec<String>, Option<String>) {
        let (mut seen, mut end) = (Vec::new(), None);
        let mut reader = FrameReader::new(input, max, None);
        while let Some(frame) = reader.next().await {
            match frame {
                Ok(f) => seen.push(String::from_utf8(f).unwrap()),
                Err(e) if e.passed_over() => seen.push(format!("error: {e}")),
                Err(e) => end = Some(e.to_string()),
            }
        }
        (seen, end)
    }

    #[tokio::test]
    async fn newline_framing_and_a_last_message_without_one() {
        let (seen, end) = frames(b"<1>1 a\n<2>1 b\n<3>1 c", 100).await;
        assert_eq!(seen, ["<1>1 a", "<2>1 b", "<3>1 c"]);
        assert_eq!(end, None);
    }

    #[tokio::test]
    async fn octet_counting_with_newlines_inside_a_message() {
        let (seen, end) = frames(b"8 <1>1 a\nb6 <2>1 c", 100).await;
        assert_eq!(seen, ["<1>1 a\nb", "<2>1 c"]);
        assert_eq!(end, None);
    }

    #[tokio::test]
    async fn a_frame_too_long_is_passed_over() {
        let (seen, _) = frames(b"12 <1>1 abcdefg6 <2>1 c", 10).await;
        assert_eq!(
            seen,
            ["error: a message of 12 bytes is longer than max_message_length", "<2>1 c"]
        );
        let (seen, _) = frames(b"<1>1 abcdefg\n<2>1 c\n", 10).await;
        assert_eq!(seen[1], "<2>1 c");
    }

    #[tokio::test]
    async fn bad_framing_ends_the_stream() {
        assert!(frames(b"Oct 11 host", 100).await.1.unwrap().contains("first byte is 'O'"));
        let (seen, end) = frames(b"6 <1>1 ax <2>1 b", 100).await;
        assert_eq!(seen, ["<1>1 a"]);
        assert_eq!(end.unwrap(), "a frame's length is not a number followed by a space");
        assert!(frames(b"10 <1>1", 100).await.1.is_some(), "a frame cut short");
    }
}
