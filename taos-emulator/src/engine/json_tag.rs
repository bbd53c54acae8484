//! The text of a JSON tag, as the server keeps it: validated, normalised
//! and printed back the way TDengine prints it (rules in `taos_rules::json`).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value as Json;
use taos_rules::json as rules;

/// Why a JSON tag text is refused; each is a 0x0216 detail on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonTagError {
    /// Not a JSON object.
    Format,
    /// A key with a character other than printable ASCII.
    Key,
    /// A key or the whole text over its limit.
    TooLong,
    /// An object or array as a value.
    Nested,
    /// A number outside a double's range.
    Number,
}

impl JsonTagError {
    /// The server's wording.
    pub fn detail(self) -> &'static str {
        match self {
            JsonTagError::Format => "Invalid json format",
            JsonTagError::Key => "json key not validate",
            JsonTagError::TooLong => "json key or value too long",
            JsonTagError::Nested => "invalidate json value",
            JsonTagError::Number => "json value number is illegal",
        }
    }
}

/// The stored text of tag text `s`, or `None` for a NULL tag (`''`,
/// `'null'`, `'{}'`, or an object whose only keys are empty).
pub fn normalize(s: &str) -> Result<Option<String>, JsonTagError> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    if t.chars().count() > rules::MAX_TEXT_CHARS {
        return Err(JsonTagError::TooLong);
    }
    let pairs = match serde_json::from_str::<FirstWins>(t) {
        Ok(FirstWins(pairs)) => pairs,
        Err(e) if e.to_string().contains("number out of range") => {
            return Err(JsonTagError::Number)
        }
        Err(_) => return Err(JsonTagError::Format),
    };
    let mut kept: Vec<(String, Json)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if !rules::key_chars_valid(&key) {
            return Err(JsonTagError::Key);
        }
        if key.chars().count() > rules::MAX_KEY_CHARS {
            return Err(JsonTagError::TooLong);
        }
        let value = match value {
            Json::Object(_) | Json::Array(_) => return Err(JsonTagError::Nested),
            Json::String(s) => match s.find('\0') {
                Some(nul) => Json::String(s[..nul].to_owned()),
                None => Json::String(s),
            },
            other => other,
        };
        if !key.is_empty() {
            kept.push((key, value));
        }
    }
    if kept.is_empty() {
        return Ok(None);
    }
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::from("{");
    for (i, (key, value)) in kept.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Json::String(key.clone()).to_string());
        out.push(':');
        match value {
            Json::Number(n) => out.push_str(&rules::print_number(n.as_f64().unwrap_or_default())),
            other => out.push_str(&other.to_string()),
        }
    }
    out.push('}');
    Ok(Some(out))
}

/// An object's members in order, repeated keys kept (the server keeps the
/// first of them).
struct FirstWins(Vec<(String, Json)>);

impl<'de> serde::Deserialize<'de> for FirstWins {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = FirstWins;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstWins, A::Error> {
                let mut pairs: Vec<(String, Json)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Json>()? {
                    if !pairs.iter().any(|(k, _)| *k == key) {
                        pairs.push((key, value));
                    }
                }
                Ok(FirstWins(pairs))
            }
        }
        d.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_as_the_server_keeps_it() {
        // Each pair was read back from a real TDengine 3.3.7.5.
        for (input, stored) in [
            (r#"{"z":1,"a":2,"m":"x"}"#, Some(r#"{"a":2,"m":"x","z":1}"#)),
            (r#"  {"k" : 1 } "#, Some(r#"{"k":1}"#)),
            (r#"{"":1,"b":2}"#, Some(r#"{"b":2}"#)),
            (r#"{"":1}"#, None),
            ("{}", None),
            ("null", None),
            (r#"{"a":1,"a":2}"#, Some(r#"{"a":1}"#)),
            (r#"{"k":"x\u0000y"}"#, Some(r#"{"k":"x"}"#)),
            (
                r#"{"k":1e20,"n":1.0,"z":-0.0}"#,
                Some(r#"{"k":1e+20,"n":1,"z":-0}"#),
            ),
            (
                r#"{"k":"a\"b","t":"tab\tx"}"#,
                Some(r#"{"k":"a\"b","t":"tab\tx"}"#),
            ),
        ] {
            assert_eq!(normalize(input).unwrap().as_deref(), stored, "{input}");
        }
    }

    #[test]
    fn refused_as_the_server_refuses() {
        for (input, error) in [
            (r#"{"ü":1}"#, JsonTagError::Key),
            ("{\"a\nb\":1}", JsonTagError::Format),
            (r#"{"a\nb":1}"#, JsonTagError::Key),
            (r#"{"a":{"b":1}}"#, JsonTagError::Nested),
            (r#"{"a":[1,2]}"#, JsonTagError::Nested),
            (r#"{"k":1e400}"#, JsonTagError::Number),
            ("[1,true]", JsonTagError::Format),
            ("{nope", JsonTagError::Format),
        ] {
            assert_eq!(normalize(input), Err(error), "{input}");
        }
    }
}
