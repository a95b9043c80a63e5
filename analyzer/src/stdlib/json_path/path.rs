//! The path grammar of the ojg library's `jp.ParseString`, which the
//! reference's `json_path` uses: `$` and `@` only first, `.name` and bare
//! names of "token" characters, `..` descent, `*`, and in brackets quoted
//! names, indexes, unions `[1,'a']`, slices `[start:end:step]` and filters
//! `[?(...)]` (see `script`). Errors read as ojg's: `... at N in PATH`.

use super::script::Eq;

/// `maxEnd`: the end of a slice that leaves it out.
pub(super) const MAX_END: i64 = 2_147_483_647;

/// One step of a path.
#[derive(Debug, Clone)]
pub(super) enum Frag {
    Root,
    At,
    Child(String),
    Nth(i64),
    Wildcard,
    Descent,
    Union(Vec<Key>),
    /// Start, then end and step when given.
    Slice(Vec<i64>),
    Filter(Box<Eq>),
}

#[derive(Debug, Clone)]
pub(super) enum Key {
    Name(String),
    Index(i64),
}

pub(super) type Expr = Vec<Frag>;

pub(super) fn parse(path: &str) -> Result<Expr, String> {
    let mut p = Parser { buf: path.as_bytes(), pos: 0 };
    let x = p.read_expr()?;
    if p.pos < p.buf.len() {
        return Err(p.error("parse error"));
    }
    Ok(x)
}

/// ojg's token characters: what a name after a dot may hold.
fn is_token(b: u8) -> bool {
    b >= 0x80
        || b.is_ascii_alphanumeric()
        || matches!(b, b'#' | b'%' | b':' | b';' | b'?' | b'^' | b'_' | b'{' | b'|' | b'}' | b'~')
}

pub(super) struct Parser<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

impl Parser<'_> {
    /// ojg's `raise`: the message, where (from 1) and the whole path.
    pub(super) fn error(&self, message: &str) -> String {
        format!("{message} at {} in {}", self.pos + 1, String::from_utf8_lossy(self.buf))
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// The next byte, consumed; 0 past the end.
    pub(super) fn next(&mut self) -> u8 {
        let b = self.peek().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub(super) fn read_expr(&mut self) -> Result<Expr, String> {
        let mut x = Expr::new();
        let mut last_descent = false;
        while let Some(f) = self.next_frag(x.is_empty(), last_descent)? {
            last_descent = matches!(f, Frag::Descent);
            x.push(f);
        }
        Ok(x)
    }

    /// The next step, or none where the path (or a filter's) ends. A `$`
    /// or `@` that is not first also ends it, and is consumed.
    fn next_frag(&mut self, first: bool, last_descent: bool) -> Result<Option<Frag>, String> {
        let Some(b) = self.peek() else { return Ok(None) };
        self.pos += 1;
        Ok(match b {
            b'$' if first => Some(Frag::Root),
            b'@' if first => Some(Frag::At),
            b'$' | b'@' => None,
            b'.' => Some(self.after_dot()?),
            b'*' => Some(Frag::Wildcard),
            b'[' => Some(self.after_bracket()?),
            _ => {
                self.pos -= 1;
                match (is_token(b), first, last_descent) {
                    (true, true, _) => Some(self.after_dot()?),
                    (true, false, true) => Some(Frag::Child(self.token())),
                    _ => None,
                }
            }
        })
    }

    fn after_dot(&mut self) -> Result<Frag, String> {
        let Some(b) = self.peek() else { return Err(self.error("not terminated")) };
        match b {
            b'*' | b'.' => {
                self.pos += 1;
                Ok(if b == b'*' { Frag::Wildcard } else { Frag::Descent })
            }
            _ if !is_token(b) => {
                self.pos += 1;
                let c = char::from(b);
                Err(self.error(&format!("an expression fragment can not start with a '{c}'")))
            }
            _ => Ok(Frag::Child(self.token())),
        }
    }

    /// A name: its first byte whatever it is, then token bytes.
    fn token(&mut self) -> String {
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(is_token) {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.buf[start..self.pos.min(self.buf.len())]).into_owned()
    }

    /// Spaces skipped; the first other byte, consumed.
    pub(super) fn skip_space(&mut self) -> u8 {
        let mut b = 0;
        while let Some(c) = self.peek() {
            self.pos += 1;
            b = c;
            if c != b' ' {
                break;
            }
        }
        b
    }

    fn after_bracket(&mut self) -> Result<Frag, String> {
        if self.pos >= self.buf.len() {
            return Err(self.error("not terminated"));
        }
        let b = self.skip_space();
        match b {
            b'*' => match self.skip_space() {
                b']' => Ok(Frag::Wildcard),
                _ => Err(self.error("not terminated")),
            },
            b'\'' | b'"' => {
                let s = self.read_str(b)?;
                match self.skip_space() {
                    b']' => Ok(Frag::Child(s)),
                    b',' => self.read_union(Key::Name(s), b','),
                    _ => Err(self.error("invalid bracket fragment")),
                }
            }
            b':' => self.read_slice(0),
            b'?' => self.read_filter(),
            b'(' => Err(self.error("scripts not implemented yet")),
            b'-' | b'0'..=b'9' => {
                let (i, mut b) = self.read_int(b)?;
                if b == b' ' {
                    b = self.skip_space();
                }
                match b {
                    b']' => Ok(Frag::Nth(i)),
                    b',' => self.read_union(Key::Index(i), b),
                    b':' => self.read_slice(i),
                    _ => Err(self.error("invalid bracket fragment")),
                }
            }
            _ => {
                self.pos -= 1;
                Err(self.error("parse error"))
            }
        }
    }

    /// ojg's `readInt`: digits after `b` (which may be `-`), and the byte
    /// after them, consumed.
    pub(super) fn read_int(&mut self, mut b: u8) -> Result<(i64, u8), String> {
        let neg = b == b'-';
        if neg {
            if self.pos >= self.buf.len() {
                return Err(self.error("expected a number"));
            }
            b = self.next();
        }
        let start = self.pos;
        let mut i: i64 = 0;
        while b.is_ascii_digit() {
            i = i.wrapping_mul(10).wrapping_add(i64::from(b - b'0'));
            if self.pos >= self.buf.len() {
                break;
            }
            b = self.next();
        }
        if self.pos == start {
            return Err(self.error("expected a number"));
        }
        Ok((if neg { i.wrapping_neg() } else { i }, b))
    }

    fn read_slice(&mut self, start: i64) -> Result<Frag, String> {
        let Some(b) = self.peek() else { return Err(self.error("not terminated")) };
        let mut f = vec![start];
        if b == b']' {
            self.pos += 1;
            f.push(MAX_END);
            return Ok(Frag::Slice(f));
        }
        let mut b = self.skip_space();
        if b == b':' {
            f.push(MAX_END);
            b = self.slice_step(&mut f)?;
        } else {
            let (end, after) = self.read_int(b)?;
            f.push(end);
            b = after;
            if b == b':' {
                b = self.slice_step(&mut f)?;
            }
        }
        if b != b']' {
            return Err(self.error("invalid slice syntax"));
        }
        Ok(Frag::Slice(f))
    }

    /// The step after a slice's second `:`, if any; the byte after it.
    fn slice_step(&mut self, f: &mut Vec<i64>) -> Result<u8, String> {
        if self.pos >= self.buf.len() {
            return Err(self.error("not terminated"));
        }
        let b = self.next();
        if b == b']' {
            return Ok(b);
        }
        let (step, after) = self.read_int(b)?;
        f.push(step);
        Ok(after)
    }

    fn read_union(&mut self, first: Key, mut b: u8) -> Result<Frag, String> {
        if self.pos >= self.buf.len() {
            return Err(self.error("not terminated"));
        }
        let mut keys = vec![first];
        loop {
            match b {
                b',' => {}
                b']' => return Ok(Frag::Union(keys)),
                _ => return Err(self.error("invalid union syntax")),
            }
            b = self.skip_space();
            match b {
                b'\'' | b'"' => {
                    keys.push(Key::Name(self.read_str(b)?));
                    b = self.skip_space();
                }
                b'-' | b'0'..=b'9' => {
                    let (i, after) = self.read_int(b)?;
                    keys.push(Key::Index(i));
                    b = if after == b' ' { self.skip_space() } else { after };
                }
                _ => return Err(self.error("invalid union syntax")),
            }
        }
    }

    /// A quoted string after its opening quote, escapes read.
    pub(super) fn read_str(&mut self, term: u8) -> Result<String, String> {
        let mut out: Vec<u8> = Vec::new();
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                _ if b == term => break,
                b'\\' => self.read_escape(&mut out)?,
                _ => out.push(b),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// An escape after its backslash.
    fn read_escape(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let mut b = self.next();
        let simple = match b {
            b'b' => Some(0x08),
            b't' => Some(b'\t'),
            b'n' => Some(b'\n'),
            b'f' => Some(0x0c),
            b'r' => Some(b'\r'),
            b'"' | b'\'' | b'/' | b'\\' => Some(b),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            return Ok(());
        }
        let end = self.buf.len();
        match b {
            // ojg wants a byte after the `x` and one after that, and
            // blames the last byte read when there is none.
            b'x' => {
                if self.pos >= end {
                    return Err(bad_escape(b));
                }
                b = self.next();
                if self.pos >= end {
                    return Err(bad_escape(b));
                }
                let high = hex_digit(b)?;
                out.push((high << 4 | hex_digit(self.next())?) as u8);
            }
            b'u' | b'U' => {
                let mut code = 0;
                for _ in 0..4 {
                    if self.pos >= end {
                        return Err(bad_escape(b));
                    }
                    b = self.next();
                    code = code << 4 | hex_digit(b)?;
                }
                let c = char::from_u32(code).unwrap_or('\u{FFFD}');
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            _ => return Err(bad_escape(b)),
        }
        Ok(())
    }
}

fn bad_escape(b: u8) -> String {
    format!("0x{b:02x} ({}) is not a valid escaped character", char::from(b))
}

fn hex_digit(b: u8) -> Result<u32, String> {
    char::from(b).to_digit(16).ok_or_else(|| {
        format!("0x{b:02x} ({}) is not a valid hexadecimal character", char::from(b))
    })
}
