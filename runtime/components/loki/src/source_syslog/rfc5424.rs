//! RFC 5424 messages, read as strictly as the reference's parser
//! (go-syslog's): every header field in its place and within its length,
//! `-` for a field that is absent, structured data with its escapes. A
//! message that breaks the grammar is a parse error (the reference counts
//! and drops it); there is no RFC 3164 fallback, as in the reference.

use jiff::Timestamp;

/// Structured data: each element's id with its parameters, in the order
/// sent.
pub type StructuredData = Vec<(String, Vec<(String, String)>)>;

/// One parsed message. `None` stands for the NILVALUE `-`.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub priority: u8,
    pub timestamp: Option<Timestamp>,
    pub hostname: Option<String>,
    pub app_name: Option<String>,
    pub proc_id: Option<String>,
    pub msg_id: Option<String>,
    pub structured_data: StructuredData,
    /// The free-form message; `None` when there is none or it is empty.
    pub message: Option<String>,
}

/// Where a message stops fitting the grammar, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expecting {expected} at byte {at}")]
pub struct ParseError {
    pub expected: &'static str,
    pub at: usize,
}

impl Message {
    /// The severity's level name, as the reference labels it.
    pub fn severity(&self) -> &'static str {
        const LEVELS: [&str; 8] = [
            "emergency",
            "alert",
            "critical",
            "error",
            "warning",
            "notice",
            "informational",
            "debug",
        ];
        LEVELS[usize::from(self.priority % 8)]
    }

    /// The facility's keyword (`user`, `local3`), or its description where
    /// syslog has no keyword for it, as the reference labels it.
    pub fn facility(&self) -> &'static str {
        const NAMES: [&str; 24] = [
            "kern",
            "user",
            "mail",
            "daemon",
            "auth",
            "syslog",
            "lpr",
            "news",
            "uucp",
            "clock daemon",
            "authpriv",
            "ftp",
            "NTP subsystem",
            "log audit",
            "log alert",
            "cron",
            "local0",
            "local1",
            "local2",
            "local3",
            "local4",
            "local5",
            "local6",
            "local7",
        ];
        NAMES[usize::from(self.priority / 8)]
    }
}

/// Parses one message (a frame, without its framing).
pub fn parse(text: &[u8]) -> Result<Message, ParseError> {
    let mut p = Cursor { text, at: 0 };
    let priority = p.priority()?;
    p.version()?;
    p.space()?;
    let timestamp = p.timestamp()?;
    p.space()?;
    let hostname = p.field(255, "a hostname")?;
    p.space()?;
    let app_name = p.field(48, "an app name")?;
    p.space()?;
    let proc_id = p.field(128, "a process id")?;
    p.space()?;
    let msg_id = p.field(32, "a message id")?;
    p.space()?;
    let structured_data = p.structured_data()?;
    let message = match p.peek() {
        None => None,
        Some(b' ') => {
            let rest = &text[p.at + 1..];
            (!rest.is_empty()).then(|| String::from_utf8_lossy(rest).into_owned())
        }
        Some(_) => return Err(p.error("a space before the message")),
    };
    Ok(Message {
        priority,
        timestamp,
        hostname,
        app_name,
        proc_id,
        msg_id,
        structured_data,
        message,
    })
}

struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

/// Printable US-ASCII, what header fields are made of.
fn printable(b: u8) -> bool {
    (33..=126).contains(&b)
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn error(&self, expected: &'static str) -> ParseError {
        ParseError { expected, at: self.at }
    }

    fn eat(&mut self, byte: u8, expected: &'static str) -> Result<(), ParseError> {
        if self.peek() != Some(byte) {
            return Err(self.error(expected));
        }
        self.at += 1;
        Ok(())
    }

    fn space(&mut self) -> Result<(), ParseError> {
        self.eat(b' ', "a space")
    }

    /// Up to `max` bytes while `keep` holds.
    fn take(&mut self, max: usize, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.at;
        while self.at - start < max && self.peek().is_some_and(&keep) {
            self.at += 1;
        }
        let text: &'a [u8] = self.text;
        &text[start..self.at]
    }

    /// `<PRIVAL>`: 0 to 191, no leading zero.
    fn priority(&mut self) -> Result<u8, ParseError> {
        const EXPECTED: &str = "a priority from <0> to <191>";
        self.eat(b'<', EXPECTED)?;
        let start = self.at;
        let digits = self.take(3, |b| b.is_ascii_digit());
        let value: u16 =
            std::str::from_utf8(digits).ok().and_then(|d| d.parse().ok()).unwrap_or(999);
        if value > 191 || (digits.len() > 1 && digits[0] == b'0') {
            self.at = start;
            return Err(self.error(EXPECTED));
        }
        self.eat(b'>', EXPECTED)?;
        Ok(value as u8)
    }

    /// `VERSION`: 1 to 999.
    fn version(&mut self) -> Result<(), ParseError> {
        if !self.peek().is_some_and(|b| (b'1'..=b'9').contains(&b)) {
            return Err(self.error("a version from 1 to 999"));
        }
        self.take(3, |b| b.is_ascii_digit());
        Ok(())
    }

    /// `-` or an RFC 3339 time with at most six digits of fraction.
    fn timestamp(&mut self) -> Result<Option<Timestamp>, ParseError> {
        const EXPECTED: &str = "a timestamp such as 2003-10-11T22:14:15.003Z, or -";
        let start = self.at;
        let text = self.take(64, printable);
        if text == b"-" {
            return Ok(None);
        }
        let fraction = text
            .iter()
            .position(|&b| b == b'.')
            .map_or(0, |dot| text[dot + 1..].iter().take_while(|b| b.is_ascii_digit()).count());
        let parsed = std::str::from_utf8(text)
            .ok()
            .filter(|t| t.len() >= 20 && t.as_bytes()[10] == b'T' && fraction <= 6)
            .filter(|t| !t.ends_with('z'))
            .and_then(|t| t.parse::<Timestamp>().ok());
        match parsed {
            Some(time) => Ok(Some(time)),
            None => {
                self.at = start;
                Err(self.error(EXPECTED))
            }
        }
    }

    /// `-` or 1 to `max` printable characters.
    fn field(&mut self, max: usize, expected: &'static str) -> Result<Option<String>, ParseError> {
        let text = self.take(max, printable);
        match text {
            [] => Err(self.error(expected)),
            b"-" => Ok(None),
            _ if self.peek().is_some_and(printable) => Err(self.error("a space (field too long)")),
            _ => Ok(Some(String::from_utf8_lossy(text).into_owned())),
        }
    }

    /// `-` or one or more `[id name="value" ...]` elements.
    fn structured_data(&mut self) -> Result<StructuredData, ParseError> {
        if self.peek() == Some(b'-') {
            self.at += 1;
            return Ok(Vec::new());
        }
        let mut elements: StructuredData = Vec::new();
        while self.peek() == Some(b'[') {
            self.at += 1;
            let start = self.at;
            let id = self.name("a structured data id")?;
            if elements.iter().any(|(seen, _)| *seen == id) {
                self.at = start;
                return Err(self.error("a structured data id not used before in the message"));
            }
            let mut params = Vec::new();
            while self.peek() == Some(b' ') {
                self.at += 1;
                let name = self.name("a parameter name")?;
                self.eat(b'=', "=")?;
                self.eat(b'"', "a quoted parameter value")?;
                params.push((name, self.param_value()?));
            }
            self.eat(b']', "] closing the structured data element")?;
            elements.push((id, params));
        }
        if elements.is_empty() {
            return Err(self.error("structured data, or -"));
        }
        Ok(elements)
    }

    /// An SD-NAME: 1 to 32 printable characters but `=`, space, `]`, `"`.
    fn name(&mut self, expected: &'static str) -> Result<String, ParseError> {
        let name = self.take(32, |b| printable(b) && !matches!(b, b'=' | b']' | b'"'));
        if name.is_empty() {
            return Err(self.error(expected));
        }
        Ok(String::from_utf8_lossy(name).into_owned())
    }

    /// The rest of a quoted value, through its closing quote: `\"`, `\\`
    /// and `\]` are unescaped, any other backslash is kept as written.
    fn param_value(&mut self) -> Result<String, ParseError> {
        let mut value = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.error("a closing quote")),
                Some(b'"') => break,
                Some(b']') => return Err(self.error("] escaped as \\] in a parameter value")),
                Some(b'\\') => match self.text.get(self.at + 1) {
                    Some(&escaped @ (b'"' | b'\\' | b']')) => {
                        value.push(escaped);
                        self.at += 2;
                    }
                    _ => {
                        value.push(b'\\');
                        self.at += 1;
                    }
                },
                Some(b) => {
                    value.push(b);
                    self.at += 1;
                }
            }
        }
        self.at += 1;
        String::from_utf8(value).map_err(|_| self.error("UTF-8 in a parameter value"))
    }
}

#[cfg(test)]
mod tests;
