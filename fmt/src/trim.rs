//! The last pass: drops trailing spaces and tabs on every line, turns
//! formfeeds into newlines and removes the escape bytes. Escaped text is
//! copied as it is, trailing spaces and all.

use crate::tabwriter::ESCAPE;

pub(crate) fn trim(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut space: Vec<u8> = Vec::new();
    let mut escaped = false;
    for &byte in input {
        if escaped {
            if byte == ESCAPE {
                escaped = false;
            } else {
                out.push(byte);
            }
            continue;
        }
        match byte {
            b'\t' | b' ' | b'\x0b' => space.push(if byte == b'\x0b' { b'\t' } else { byte }),
            b'\n' | b'\x0c' => {
                space.clear();
                out.push(b'\n');
            }
            ESCAPE => {
                out.append(&mut space);
                escaped = true;
            }
            _ => {
                out.append(&mut space);
                out.push(byte);
            }
        }
    }
    out
}
