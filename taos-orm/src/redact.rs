//! Keeping secrets out of logs and error messages: passwords and tokens
//! are replaced by `***` wherever a DSN or a `token=` parameter appears.

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 4] = ["token", "password", "bearer_token", "totp_code"];

/// Removes the password and any `token` parameter from a DSN, so it can be logged.
///
/// The user info ends at the DSN's last `@`, so a password holding `?`,
/// `/` or `@` is hidden whole.
///
/// ```
/// assert_eq!(
///     taos_orm::redact_dsn("wss://root:secret@cloud.example.com?token=abc&x=1"),
///     "wss://root:***@cloud.example.com?token=***&x=1",
/// );
/// assert_eq!(
///     taos_orm::redact_dsn("taos://root:pa?ss@localhost:6030"),
///     "taos://root:***@localhost:6030",
/// );
/// ```
pub fn redact_dsn(dsn: &str) -> String {
    let mut out = String::with_capacity(dsn.len());
    let rest = match dsn.split_once("://") {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push_str("://");
            rest
        }
        None => dsn,
    };
    let tail = match rest.rsplit_once('@') {
        Some((userinfo, tail)) => {
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push('@');
            tail
        }
        None => rest,
    };
    match tail.split_once('?') {
        Some((head, query)) => {
            out.push_str(head);
            out.push('?');
            redact_query(&mut out, query);
        }
        None => out.push_str(tail),
    }
    out
}

fn redact_query(out: &mut String, query: &str) {
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((k, _)) if is_secret_param(k) => {
                out.push_str(k);
                out.push_str("=***");
            }
            _ => out.push_str(pair),
        }
    }
}

fn is_secret_param(key: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| key.eq_ignore_ascii_case(s))
}

/// Hides the secrets in free text such as a client error message: every
/// URL in it goes through [`redact_dsn`], and any `token=…` or
/// `password=…` outside a URL loses its value.
///
/// ```
/// assert_eq!(
///     taos_orm::redact_text("Unauthorized(wss://gw.example/ws?token=abc123)"),
///     "Unauthorized(wss://gw.example/ws?token=***)",
/// );
/// assert_eq!(taos_orm::redact_text("bad token=abc123 given"), "bad token=*** given");
/// ```
pub fn redact_text(text: &str) -> String {
    if !text.contains("://") && !SECRET_PARAMS.iter().any(|p| contains_param(text, p)) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(is_boundary).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        if word.contains("://") {
            out.push_str(&redact_dsn(word));
        } else {
            redact_params(&mut out, word);
        }
        let sep = after.chars().next().map_or(0, char::len_utf8);
        out.push_str(&after[..sep]);
        rest = &after[sep..];
    }
    out
}

/// Where a URL or a `key=value` ends in prose.
fn is_boundary(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '(' | ')' | '<' | '>' | ',' | ';')
}

fn contains_param(text: &str, param: &str) -> bool {
    text.to_ascii_lowercase().contains(&format!("{param}="))
}

/// A word outside a URL: the values of `secret=value` pairs go.
fn redact_params(out: &mut String, word: &str) {
    for (i, pair) in word.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((k, _)) if is_secret_param(k.rsplit(['?', ':']).next().unwrap_or(k)) => {
                out.push_str(k);
                out.push_str("=***");
            }
            _ => out.push_str(pair),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_and_tokens_only() {
        assert_eq!(redact_dsn("ws://localhost:6041"), "ws://localhost:6041");
        assert_eq!(
            redact_dsn("ws://root:taosdata@localhost:6041/power"),
            "ws://root:***@localhost:6041/power"
        );
        assert_eq!(redact_dsn("taos://user@h1:6030"), "taos://user@h1:6030");
        assert_eq!(
            redact_dsn("wss://gw.cloud.example?token=s3cr3t"),
            "wss://gw.cloud.example?token=***"
        );
        assert_eq!(
            redact_dsn("ws://u:p@a:1,b:2/db?Password=x&conn_mode=1"),
            "ws://u:***@a:1,b:2/db?Password=***&conn_mode=1"
        );
    }

    #[test]
    fn a_password_with_url_characters_is_hidden_whole() {
        for password in ["pa?ss", "p/w", "a@b", "x?token=y", "q&r=s"] {
            let dsn = format!("taos://root:{password}@localhost:6030/db?x=1");
            let shown = redact_dsn(&dsn);
            assert_eq!(shown, "taos://root:***@localhost:6030/db?x=1", "{password}");
        }
    }

    #[test]
    fn text_keeps_its_words_and_loses_its_secrets() {
        let msg = "failed: ws://root:hunter2@h:6041/x?token=t0k (retry) password=hunter2";
        let shown = redact_text(msg);
        assert_eq!(
            shown,
            "failed: ws://root:***@h:6041/x?token=*** (retry) password=***"
        );
        assert_eq!(redact_text("nothing to hide"), "nothing to hide");
        assert_eq!(redact_text("é ünïcode ws://a"), "é ünïcode ws://a");
    }
}
