//! The last pass: drops trailing spaces and tabs on every line, turns
//! formfeeds into newlines and removes the escape bytes. Escaped text is
//! copied as it is, trailing spaces and all.

use crate::tabwriter::ESCAPE;

/// Bytes that need a decision; everything else is copied in runs.
fn special(byte: u8) -> bool {
    matches!(byte, b'\t' | b' ' | b'\x0b' | b'\n' | b'\x0c' | ESCAPE)
}

pub(crate) fn trim(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    // Spaces and tabs seen since the last text, kept until we know whether
    // text follows them on the line.
    let mut space: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < input.len() {
        let byte = input[i];
        match byte {
            b'\t' | b' ' | b'\x0b' => {
                space.push(if byte == b'\x0b' { b'\t' } else { byte });
                i += 1;
            }
            b'\n' | b'\x0c' => {
                space.clear();
                out.push(b'\n');
                i += 1;
            }
            ESCAPE => {
                out.append(&mut space);
                let end = input[i + 1..]
                    .iter()
                    .position(|&b| b == ESCAPE)
                    .map_or(input.len(), |p| i + 1 + p);
                out.extend_from_slice(&input[i + 1..end]);
                i = end + 1;
            }
            _ => {
                out.append(&mut space);
                let end =
                    input[i..].iter().position(|&b| special(b)).map_or(input.len(), |p| i + p);
                out.extend_from_slice(&input[i..end]);
                i = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trailing_space_goes_escaped_text_stays() {
        let input = b"a \t\nb\x0bc \x0c\xff x \xff \n";
        assert_eq!(trim(input), b"a\nb\tc\n x \n");
    }
}
