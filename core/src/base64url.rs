//! base64 as tokens, HTTP Basic credentials and OAuth states use it, through the `base64`
//! crate's engines.
//!
//! Token segments are strict base64url (RFC 4648 section 5), as JWTs use it:
//! - the URL-safe alphabet `A-Z a-z 0-9 - _` only: standard base64's `+` and `/` are refused;
//! - `=` padding tolerated, but only the exact amount for the length (or none);
//! - a length of 1 mod 4 and non-zero trailing bits (a non-canonical encoding) refused.
//!
//! The tests hold this to an independent reference decoder on arbitrary input.

use alloc::string::String;
use alloc::vec::Vec;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

/// A segment is not base64url: `TOKEN_BASE64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError;

/// base64url for token segments and states: no padding written; on reading, padding optional
/// and trailing bits refused.
const URL_STRICT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes a base64url segment into `out`, replacing what it held (a buffer reused from token
/// to token allocates nothing once it is large enough).
pub fn decode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), DecodeError> {
    out.clear();
    // The engine's "indifferent" padding also takes short padding ("Zg="); where there is
    // padding, it must fill the last quantum (RFC 4648), as every encoder writes it. Padding
    // ends the input (the engine refuses a `=` anywhere else), so the last byte tells.
    if input.last() == Some(&b'=') && !input.len().is_multiple_of(4) {
        return Err(DecodeError);
    }
    URL_STRICT.decode_vec(input, out).map_err(|_| DecodeError)
}

/// Decodes a base64url segment.
pub fn decode(input: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    decode_into(input, &mut out).map(|()| out)
}

/// Encodes with `engine` and appends to `out`, one 3-byte group at a time: through
/// `encode_slice` into a buffer on the stack, not `encode_string` (which checks its output with
/// `String::from_utf8(..).expect(..)`, whose panic path pulls Rust's Debug formatting into the
/// wasm; base64 is ASCII anyway). A group at a time because the engine's unrolled loop for
/// inputs over 26 bytes is then dead code and leaves the page wasm;
/// what is encoded is 32 bytes (states, PKCE) or a login and password. The last group carries
/// the padding, where the engine pads.
fn encode_into(engine: &GeneralPurpose, input: &[u8], out: &mut String) {
    // A group's 4 characters; 16 bytes of room came out smallest in the page wasm.
    let mut bytes = [0u8; 16];
    for group in input.chunks(3) {
        let written = engine.encode_slice(group, &mut bytes).unwrap_or(0);
        out.extend(bytes.iter().take(written).map(|&b| char::from(b)));
    }
}

/// Standard base64 with padding (RFC 4648 section 4), appended to `out` (HTTP Basic).
pub fn encode_standard(input: &[u8], out: &mut String) {
    encode_into(&STANDARD, input, out);
}

/// base64url without padding, appended to `out` (OAuth `state`).
pub fn encode_url(input: &[u8], out: &mut String) {
    encode_into(&URL_STRICT, input, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as STD;

    /// An independent, hand-written strict base64url decoder (the library's own before it used
    /// the base64 crate): the reference the crate-based [`decode`] is held to.
    mod reference {
        use alloc::vec::Vec;

        #[derive(Debug)]
        pub struct Invalid;

        const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        const INVALID: u8 = 0xff;

        /// Maps an ASCII byte to its 6-bit value, or [`INVALID`].
        const DECODE_URL: [u8; 256] = {
            let mut t = [INVALID; 256];
            let mut i = 0;
            while i < 64 {
                t[URL[i] as usize] = i as u8;
                i += 1;
            }
            t
        };

        /// Strips the padding that a length allows. Returns the unpadded input or an error for padding
        /// that is misplaced or of the wrong amount.
        fn strip_padding(input: &[u8]) -> Result<&[u8], Invalid> {
            let pad = input.iter().rev().take_while(|&&b| b == b'=').count();
            if pad == 0 {
                return Ok(input);
            }
            // Padded input must be a whole number of quanta, with 1 or 2 pad characters.
            if pad > 2 || !input.len().is_multiple_of(4) {
                return Err(Invalid);
            }
            let data = &input[..input.len() - pad];
            // "xx==" carries one byte, "xxx=" two: the amount of padding must match.
            if (data.len() % 4 == 2 && pad != 2)
                || (data.len() % 4 == 3 && pad != 1)
                || data.len() % 4 < 2
            {
                return Err(Invalid);
            }
            Ok(data)
        }

        /// Decodes `input` into `out` (appending). On error `out` may hold a partial result.
        fn decode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), Invalid> {
            let data = strip_padding(input)?;
            let rem = data.len() % 4;
            if rem == 1 {
                return Err(Invalid);
            }
            // Whole quanta go straight into place (no per-chunk push: this is the hot loop).
            let start = out.len();
            let whole = data.len() / 4;
            out.resize(start + whole * 3, 0);
            let mut chunks = data.chunks_exact(4);
            for (c, o) in (&mut chunks).zip(out[start..].chunks_exact_mut(3)) {
                let a = DECODE_URL[c[0] as usize];
                let b = DECODE_URL[c[1] as usize];
                let d = DECODE_URL[c[2] as usize];
                let e = DECODE_URL[c[3] as usize];
                // Valid values are below 64; INVALID (0xff) sets the high bits.
                if (a | b | d | e) & 0xc0 != 0 {
                    return Err(Invalid);
                }
                let n = (u32::from(a) << 18)
                    | (u32::from(b) << 12)
                    | (u32::from(d) << 6)
                    | u32::from(e);
                o[0] = (n >> 16) as u8;
                o[1] = (n >> 8) as u8;
                o[2] = n as u8;
            }
            let tail = chunks.remainder();
            let mut n: u32 = 0;
            for &byte in tail {
                let v = DECODE_URL[byte as usize];
                if v == INVALID {
                    return Err(Invalid);
                }
                n = (n << 6) | u32::from(v);
            }
            match tail.len() {
                0 => {}
                2 => {
                    // 12 bits: one byte and 4 trailing bits that must be zero.
                    if n & 0x0f != 0 {
                        return Err(Invalid);
                    }
                    out.push((n >> 4) as u8);
                }
                3 => {
                    // 18 bits: two bytes and 2 trailing bits that must be zero.
                    if n & 0x03 != 0 {
                        return Err(Invalid);
                    }
                    out.extend_from_slice(&[(n >> 10) as u8, (n >> 2) as u8]);
                }
                _ => return Err(Invalid),
            }
            Ok(())
        }

        /// Decodes base64url into a new vector.
        pub fn decode(input: &[u8]) -> Result<Vec<u8>, Invalid> {
            let mut out = Vec::new();
            decode_into(input, &mut out)?;
            Ok(out)
        }
    }

    #[test]
    fn known_vectors() {
        assert_eq!(decode(b"").unwrap(), b"");
        assert_eq!(decode(b"Zg").unwrap(), b"f");
        assert_eq!(decode(b"Zg==").unwrap(), b"f");
        assert_eq!(decode(b"Zm8").unwrap(), b"fo");
        assert_eq!(decode(b"Zm8=").unwrap(), b"fo");
        assert_eq!(decode(b"Zm9v").unwrap(), b"foo");
        assert_eq!(decode(b"_-8").unwrap(), [0xff, 0xef]);
        assert!(decode(b"+-8").is_err());
        assert!(decode(b"/w").is_err());
        assert!(decode(b"Z").is_err());
        assert!(decode(b"Zh").is_err(), "trailing bits");
        assert!(decode(b"Zg=").is_err(), "short padding");
        assert!(decode(b"Zm8==").is_err(), "long padding");
        assert!(decode(b"Zm9v====").is_err());
        assert!(decode(b"Z=g=").is_err());
        assert!(decode(b"====").is_err());
        assert!(decode(b"Zm 9v").is_err());
    }

    use crate::TestRng as Rng;

    #[test]
    fn agrees_with_the_reference_decoder_on_arbitrary_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let pool = b"ABCxyz019-_+/=  \x00\xff.";
        for _ in 0..200_000 {
            let len = (rng.next() % 12) as usize;
            let s: Vec<u8> = (0..len)
                .map(|_| pool[(rng.next() % pool.len() as u64) as usize])
                .collect();
            let ours = decode(&s).ok();
            let reference = reference::decode(&s).ok();
            assert_eq!(ours, reference, "input {:?}", String::from_utf8_lossy(&s));
            let mut reused = alloc::vec![7u8; 3];
            assert_eq!(
                decode_into(&s, &mut reused).ok().map(|()| reused),
                ours,
                "decode_into {:?}",
                String::from_utf8_lossy(&s)
            );
        }
    }

    #[test]
    fn round_trips_and_standard_encoding_matches() {
        let mut rng = Rng(42);
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let mut std = String::new();
            encode_standard(&bytes, &mut std);
            assert_eq!(std, STD.encode(&bytes));
            let mut url = String::new();
            encode_url(&bytes, &mut url);
            assert_eq!(
                url,
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes)
            );
            assert_eq!(decode(url.as_bytes()).unwrap(), bytes);
            assert_eq!(reference::decode(url.as_bytes()).unwrap(), bytes);
            assert!(!url.contains('=') && !url.contains('+') && !url.contains('/'));
        }
    }
}
