//! A strict JSON (RFC 8259) validator that never recurses, so no nesting depth can overflow
//! the stack, and that reports the members of a top-level object as it goes.
//!
//! It accepts exactly what `JSON.parse` accepts (whitespace is space, tab, CR and LF; no
//! comments, no trailing commas, no leading zeros, no lone `-`, no control characters in
//! strings), so the JS side can hand the validated text to `JSON.parse` to build the objects
//! and keep every unknown claim as it came.

use alloc::vec::Vec;

/// The kind of a JSON value, from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// A member of the top-level object: its key as written (without quotes, escapes not
/// decoded) and its value as written.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    pub raw_key: &'a [u8],
    pub kind: Kind,
    pub value: &'a [u8],
}

impl Member<'_> {
    /// Whether the key, once its escapes are decoded, equals `name` (ASCII only).
    pub fn key_is(&self, name: &str) -> bool {
        key_equals(self.raw_key, name.as_bytes())
    }
}

/// The text is not JSON (or not UTF-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError;

/// Why a scan stopped: bad JSON, or an error the member callback returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    Syntax,
    Stop(crate::error::Error),
}

impl From<SyntaxError> for ScanError {
    fn from(_: SyntaxError) -> Self {
        ScanError::Syntax
    }
}

impl ScanError {
    /// The callback's error, or `syntax` for bad JSON.
    pub fn or(self, syntax: crate::error::Error) -> crate::error::Error {
        match self {
            ScanError::Stop(e) => e,
            ScanError::Syntax => syntax,
        }
    }
}

/// Compares a raw JSON string body with an ASCII name, decoding escapes on the way.
fn key_equals(raw: &[u8], name: &[u8]) -> bool {
    if !raw.contains(&b'\\') {
        return raw == name;
    }
    let mut i = 0;
    let mut j = 0;
    while i < raw.len() {
        let c = if raw[i] == b'\\' {
            let Some(&e) = raw.get(i + 1) else { return false };
            i += 2;
            match e {
                b'u' => {
                    let Some(hex) = raw.get(i..i + 4) else { return false };
                    i += 4;
                    let mut v: u32 = 0;
                    for &h in hex {
                        let Some(d) = (h as char).to_digit(16) else { return false };
                        v = v * 16 + d;
                    }
                    if v > 0x7f {
                        return false;
                    }
                    v as u8
                }
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                _ => return false,
            }
        } else {
            i += 1;
            raw[i - 1]
        };
        if name.get(j) != Some(&c) {
            return false;
        }
        j += 1;
    }
    j == name.len()
}

struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(SyntaxError)
        }
    }

    /// A string, the opening quote not yet consumed. Returns its body.
    fn string(&mut self) -> Result<&'a [u8], SyntaxError> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let b = self.peek().ok_or(SyntaxError)?;
            self.i += 1;
            match b {
                b'"' => return Ok(&self.s[start..self.i - 1]),
                b'\\' => {
                    let e = self.peek().ok_or(SyntaxError)?;
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4).ok_or(SyntaxError)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(SyntaxError);
                            }
                            self.i += 4;
                        }
                        _ => return Err(SyntaxError),
                    }
                }
                0x00..=0x1f => return Err(SyntaxError),
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(SyntaxError),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(SyntaxError);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(SyntaxError);
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), SyntaxError> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(SyntaxError)
        }
    }

    /// `"key" ws : ws` at the current position. Returns the key body.
    fn key(&mut self) -> Result<&'a [u8], SyntaxError> {
        let k = self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Ok(k)
    }
}

/// Validates `text` as one JSON value. For a top-level object, `on_member` sees each member
/// in order (duplicates included, as written); an error it returns stops the scan. Returns
/// the kind of the top-level value. (One non-generic copy of the scanner serves every
/// caller: the wasm carries it once.)
pub fn scan<'a>(
    text: &'a str,
    on_member: &mut dyn FnMut(Member<'a>) -> Result<(), crate::error::Error>,
) -> Result<Kind, ScanError> {
    let text = text.as_bytes();
    let mut sc = Scanner { s: text, i: 0 };
    // Open containers, innermost last: b'{' or b'['.
    let mut stack: Vec<u8> = Vec::new();
    let mut top_kind = Kind::Null;
    // The key and value start of the top-level member being read.
    let mut key: &[u8] = &[];
    let mut value_start = 0;
    sc.ws();
    'value: loop {
        // A value starts here.
        let kind = match sc.peek().ok_or(SyntaxError)? {
            b'{' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b'}') {
                    sc.i += 1;
                } else {
                    stack.push(b'{');
                    if stack.len() == 1 {
                        top_kind = Kind::Object;
                        key = sc.key()?;
                        value_start = sc.i;
                    } else {
                        sc.key()?;
                    }
                    continue 'value;
                }
                Kind::Object
            }
            b'[' => {
                sc.i += 1;
                sc.ws();
                if sc.peek() == Some(b']') {
                    sc.i += 1;
                } else {
                    stack.push(b'[');
                    if stack.len() == 1 {
                        top_kind = Kind::Array;
                    }
                    continue 'value;
                }
                Kind::Array
            }
            b'"' => {
                sc.string()?;
                Kind::String
            }
            b't' => {
                sc.literal(b"true")?;
                Kind::Bool
            }
            b'f' => {
                sc.literal(b"false")?;
                Kind::Bool
            }
            b'n' => {
                sc.literal(b"null")?;
                Kind::Null
            }
            b'-' | b'0'..=b'9' => {
                sc.number()?;
                Kind::Number
            }
            _ => return Err(ScanError::Syntax),
        };
        if stack.is_empty() {
            top_kind = kind;
        }
        // A value just ended at the current depth; each turn of this loop is one such end.
        let mut ended_kind = kind;
        loop {
            if stack.len() == 1 && stack[0] == b'{' {
                on_member(Member { raw_key: key, kind: ended_kind, value: &text[value_start..sc.i] }).map_err(ScanError::Stop)?;
            }
            sc.ws();
            let Some(&open) = stack.last() else { break 'value };
            match (open, sc.peek()) {
                (b'{', Some(b',')) => {
                    sc.i += 1;
                    sc.ws();
                    if stack.len() == 1 {
                        key = sc.key()?;
                        value_start = sc.i;
                    } else {
                        sc.key()?;
                    }
                    continue 'value;
                }
                (b'[', Some(b',')) => {
                    sc.i += 1;
                    sc.ws();
                    continue 'value;
                }
                (b'{', Some(b'}')) | (b'[', Some(b']')) => {
                    sc.i += 1;
                    stack.pop();
                    ended_kind = if open == b'{' { Kind::Object } else { Kind::Array };
                }
                _ => return Err(ScanError::Syntax),
            }
        }
    }
    if sc.i != text.len() {
        return Err(ScanError::Syntax);
    }
    Ok(top_kind)
}

/// Validates `text` as UTF-8 JSON; returns the kind of its top-level value.
pub fn validate(text: &[u8]) -> Result<Kind, SyntaxError> {
    let text = ::core::str::from_utf8(text).map_err(|_| SyntaxError)?;
    scan(text, &mut |_| Ok(())).map_err(|_| SyntaxError)
}

/// Writes `s` as a JSON string (quotes included): `"` and `\\` escaped, control characters as
/// `\\u00XX`; everything else as it is (JSON text is UTF-8).
pub fn push_string(out: &mut alloc::string::String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Decodes the body of a JSON string (as [`Member::value`] gives it, quotes included) into
/// Rust text. `None` when it is not a string, or holds a lone surrogate escape (which no
/// token, login or name has).
pub fn string_value(raw: &[u8]) -> Option<alloc::string::String> {
    let body = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let text = ::core::str::from_utf8(body).ok()?;
    if !text.contains('\\') {
        return Some(text.into());
    }
    let mut out = alloc::string::String::with_capacity(text.len());
    let mut chars = text.chars();
    let hex4 = |chars: &mut ::core::str::Chars<'_>| -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            v = v * 16 + chars.next()?.to_digit(16)?;
        }
        Some(v)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hi = hex4(&mut chars)?;
                let code = if (0xd800..0xdc00).contains(&hi) {
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let lo = hex4(&mut chars)?;
                    if !(0xdc00..0xe000).contains(&lo) {
                        return None;
                    }
                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                } else {
                    hi
                };
                char::from_u32(code)?
            }
            _ => return None,
        };
        out.push(decoded);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn accepts_json() {
        for ok in [
            "{}", "[]", " {} ", "0", "-0", "1.5e+10", "-1E-2", "\"\"", "\"\\u00e9\\n\"", "true",
            "false", "null", "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", "[[[]]]", "\t\r\n[1 , 2]\n",
            "\"\u{e9}\u{1F600}\"", "{\"a\":{}}", "[{}, []]", "{\"\\ud800\":1}",
        ] {
            assert!(validate(ok.as_bytes()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_json_parse_refuses() {
        for bad in [
            "", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "{,}", "01", "-", "1.", ".5", "1e", "+1",
            "NaN", "Infinity", "'a'", "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "\"\x01\"", "tru",
            "nul", "{a:1}", "{\"a\" 1}", "[1 2]", "{} {}", "1 2", "\u{feff}{}", "[\"a\":1]",
            "{\"a\":1]", "[1}", "/* */{}", "{\"a\"}", "\"abc",
        ] {
            assert!(validate(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(validate(b"\"\xff\"").is_err());
        assert!(validate(b"\"\xc3\"").is_err());
    }

    #[test]
    fn kinds() {
        assert_eq!(validate(b"{}"), Ok(Kind::Object));
        assert_eq!(validate(b"{\"a\":[1]}"), Ok(Kind::Object));
        assert_eq!(validate(b"[{}]"), Ok(Kind::Array));
        assert_eq!(validate(b"\"x\""), Ok(Kind::String));
        assert_eq!(validate(b"2"), Ok(Kind::Number));
        assert_eq!(validate(b"true"), Ok(Kind::Bool));
        assert_eq!(validate(b"null"), Ok(Kind::Null));
    }

    #[test]
    fn members_of_the_top_level_object_only() {
        let text = r#"{"a":1, "b" : {"x":2,"y":[3]}, "c":[{"z":4}], "d":"s", "e":{}, "a":true}"#;
        let mut seen = Vec::new();
        scan(text, &mut |m| {
            seen.push((String::from_utf8_lossy(m.raw_key).into_owned(), m.kind, String::from_utf8_lossy(m.value).into_owned()));
            Ok(())
        })
        .unwrap();
        let want = [
            ("a", Kind::Number, "1"),
            ("b", Kind::Object, "{\"x\":2,\"y\":[3]}"),
            ("c", Kind::Array, "[{\"z\":4}]"),
            ("d", Kind::String, "\"s\""),
            ("e", Kind::Object, "{}"),
            ("a", Kind::Bool, "true"),
        ];
        assert_eq!(seen.len(), want.len());
        for ((k, kind, v), (wk, wkind, wv)) in seen.iter().zip(want) {
            assert_eq!((k.as_str(), *kind, v.as_str()), (wk, wkind, wv));
        }
    }

    #[test]
    fn escaped_keys_compare_decoded() {
        let m = |k: &'static [u8]| Member { raw_key: k, kind: Kind::Null, value: b"" };
        assert!(m(b"exp").key_is("exp"));
        assert!(m(b"\\u0065xp").key_is("exp"));
        assert!(m(b"\\u0065\\u0078\\u0070").key_is("exp"));
        assert!(!m(b"\\u0065x").key_is("exp"));
        assert!(!m(b"exp\\u0000").key_is("exp"));
        assert!(!m(b"ex").key_is("exp"));
        assert!(m(b"a\\\"b").key_is("a\"b"));
    }

    #[test]
    fn string_values() {
        assert_eq!(string_value(br#""abc""#).as_deref(), Some("abc"));
        assert_eq!(string_value(br#""a\"b\\c\/d\n""#).as_deref(), Some("a\"b\\c/d\n"));
        assert_eq!(string_value(br#""\u00e9\ud83c\udfce""#).as_deref(), Some("\u{e9}\u{1F3CE}"));
        assert_eq!(string_value(br#""\ud800""#), None);
        assert_eq!(string_value(br#""\udc00x""#), None);
        assert_eq!(string_value(b"12"), None);
        assert_eq!(string_value(br#""\q""#), None);
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 1_000_000;
        let mut s = String::with_capacity(depth * 2);
        for _ in 0..depth {
            s.push('[');
        }
        for _ in 0..depth {
            s.push(']');
        }
        assert_eq!(validate(s.as_bytes()), Ok(Kind::Array));
        s.pop();
        assert!(validate(s.as_bytes()).is_err());
    }
}
